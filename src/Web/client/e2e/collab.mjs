// Needs playwright-core (not a dependency of the client): PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core/index.mjs
const { chromium } = await import(process.env.PLAYWRIGHT_CORE ?? "playwright-core");
const base = process.env.BASE ?? "http://127.0.0.1:5099";
const shots = process.env.SHOTS ?? "/tmp/vibe-shots";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const mk = async (name, scheme) => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 760 }, colorScheme: scheme });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`[${name} pageerror] ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error" || (m.type() === "warning" && !m.text().includes("documentsaved"))) console.log(`[${name} ${m.type()}] ${m.text().slice(0, 300)}`); });
  await page.goto(base + "/");
  await page.fill(".sign-in-card input.input:not(.mono)", name);
  await page.click("text=Create a new key");
  await page.waitForSelector(".projects");
  return { context, page };
};
const step = async (name, fn) => { try { await fn(); console.log("ok  ", name); } catch (e) { console.log("FAIL", name, e.message.split("\n")[0]); } };
const A = await mk("Ada", "dark");
const B = await mk("Grace", "light");
let projectId;
await step("A creates project", async () => {
  await A.page.fill(".create input.input", "Pair session");
  await A.page.click("text=Create project");
  await A.page.waitForSelector(".ide .tree-row");
  projectId = decodeURIComponent(A.page.url().split("#/p/")[1].split("/")[0]);
});
await step("A adds B as editor", async () => {
  const bPub = await B.page.evaluate(() => JSON.parse(localStorage.getItem("vibe.session")).pubkey);
  const status = await A.page.evaluate(async ([id, pub]) => {
    const t = JSON.parse(localStorage.getItem("vibe.session")).token;
    const r = await fetch(`/api/projects/${id}/members/${pub}`, { method: "PUT", headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json" }, body: JSON.stringify({ role: "editor" }) });
    return r.status;
  }, [projectId, bPub]);
  if (status !== 200) throw new Error("status " + status);
});
const waitEditor = async (p) => {
  await p.waitForSelector(".editor-pane:not([hidden]) .cm-content", { timeout: 15000 });
  await p.waitForFunction(() => document.querySelector(".editor-pane:not([hidden]) .editor-overlay")?.hidden, null, { timeout: 15000 });
};
await step("both open App.tsx", async () => {
  await A.page.click(`.tree-row[data-path="/src/App.tsx"]`);
  await waitEditor(A.page);
  await B.page.goto(`${base}/#/p/${encodeURIComponent(projectId)}/src/App.tsx`);
  await waitEditor(B.page);
});
await step("A's typing appears for B", async () => {
  await A.page.click(".editor-pane:not([hidden]) .cm-line >> nth=2");
  await A.page.keyboard.press("End");
  await A.page.keyboard.type("\n// Ada was here");
  await B.page.waitForFunction(() => document.querySelector(".editor-pane:not([hidden]) .cm-content")?.textContent.includes("Ada was here"), null, { timeout: 10000 });
});
await step("B's typing appears for A", async () => {
  await B.page.click(".editor-pane:not([hidden]) .cm-line >> nth=0");
  await B.page.keyboard.press("End");
  await B.page.keyboard.type(" // Grace too");
  await A.page.waitForFunction(() => document.querySelector(".editor-pane:not([hidden]) .cm-content")?.textContent.includes("Grace too"), null, { timeout: 10000 });
});
await step("remote cursor with name on A", async () => {
  await A.page.waitForSelector(".cm-ySelectionCaret", { timeout: 10000 });
  const label = await A.page.textContent(".cm-ySelectionInfo");
  console.log("     remote caret label:", label);
});
await step("presence avatar on A", async () => {
  await A.page.waitForSelector(".status-bar .avatars .avatar", { timeout: 10000 });
  console.log("     avatars:", await A.page.$$eval(".status-bar .avatars .avatar", (x) => x.map((e) => e.title).join(" | ")));
});
await step("A comments on a line, B sees it", async () => {
  await A.page.click(".editor-pane:not([hidden]) .cm-line >> nth=4");
  await A.page.click("button[title='Show comments']");
  await A.page.click(".comments-panel button:has-text('Comment')");
  await A.page.fill(".modal input", "Should this be a reducer?");
  await A.page.click(".modal button.primary");
  await A.page.waitForSelector(".cm-comment-marker", { timeout: 10000 });
  await A.page.waitForSelector(".comment", { timeout: 10000 });
  await B.page.click("button[title='Show comments']");
  await B.page.waitForSelector(".comment", { timeout: 10000 });
  await B.page.waitForSelector(".cm-comment-marker", { timeout: 10000 });
});
await A.page.waitForTimeout(800);
await A.page.screenshot({ path: `${shots}/10-collab-ada-dark.png` });
await B.page.screenshot({ path: `${shots}/11-collab-grace-light.png` });
await step("A goes offline, edits, comes back; B gets the edit", async () => {
  await A.context.setOffline(true);
  await A.page.waitForFunction(() => document.querySelector(".connection")?.dataset.state !== "connected", null, { timeout: 30000 });
  await A.page.screenshot({ path: `${shots}/12-offline.png` });
  await A.page.click(".editor-pane:not([hidden]) .cm-line >> nth=1");
  await A.page.keyboard.type("// typed offline");
  await A.context.setOffline(false);
  await A.page.waitForFunction(() => document.querySelector(".connection")?.dataset.state === "connected", null, { timeout: 60000 });
  await B.page.waitForFunction(() => document.querySelector(".editor-pane:not([hidden]) .cm-content")?.textContent.includes("typed offline"), null, { timeout: 15000 });
});
await step("reload keeps content (server + IndexedDB)", async () => {
  await A.page.reload();
  await waitEditor(A.page);
  const text = await A.page.textContent(".editor-pane:not([hidden]) .cm-content");
  if (!text.includes("typed offline") || !text.includes("Grace too")) throw new Error(text.slice(0, 200));
});
await step("REST file content matches", async () => {
  const body = await A.page.evaluate(async (id) => {
    const t = JSON.parse(localStorage.getItem("vibe.session")).token;
    return (await fetch(`/api/projects/${id}/files/src/App.tsx`, { headers: { Authorization: `Bearer ${t}` } })).text();
  }, projectId);
  console.log("     REST has Ada/Grace/offline:", body.includes("Ada was here"), body.includes("Grace too"), body.includes("typed offline"));
});
console.log("A status:", await A.page.textContent(".status-bar"));
await browser.close();
