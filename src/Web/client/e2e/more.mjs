// Needs playwright-core (not a dependency of the client): PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core/index.mjs
const { chromium } = await import(process.env.PLAYWRIGHT_CORE ?? "playwright-core");
const base = process.env.BASE ?? "http://127.0.0.1:5099";
const shots = process.env.SHOTS ?? "/tmp/vibe-shots";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const step = async (name, fn) => { try { await fn(); console.log("ok  ", name); } catch (e) { console.log("FAIL", name, e.message.split("\n")[0]); } };
const HEX = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
const mk = async (name, key) => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 760 }, colorScheme: "dark" });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`[${name} pageerror] ${e.message}`));
  await page.goto(base + "/");
  await page.fill(".sign-in-card input.input:not(.mono)", name);
  if (key) { await page.fill(".sign-in-card input.mono", key); await page.click("text=Sign in with this key"); }
  else await page.click("text=Create a new key");
  await page.waitForSelector(".projects");
  return { context, page };
};
const api = (p, method, url, body, raw) => p.evaluate(async ([method, url, body, raw]) => {
  const t = JSON.parse(localStorage.getItem("vibe.session")).token;
  const init = { method, headers: { Authorization: `Bearer ${t}` } };
  if (raw) { init.body = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0)); }
  else if (body) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  const r = await fetch(url, init);
  return { status: r.status, text: await r.text() };
}, [method, url, body, raw]);
let A, V, projectId;
await step("bad key shows an error", async () => {
  const context = await browser.newContext(); const page = await context.newPage();
  await page.goto(base + "/");
  await page.fill(".sign-in-card input.mono", "npub1xyz");
  await page.click("text=Sign in with this key");
  const err = await page.textContent(".sign-in-card .form-error");
  console.log("     error:", err);
  await context.close();
});
await step("import hex key", async () => {
  A = await mk("Ada", HEX);
  const pub = await A.page.evaluate(() => JSON.parse(localStorage.getItem("vibe.session")).pubkey);
  console.log("     pubkey:", pub);
});
await step("create blank project and viewer", async () => {
  await A.page.fill(".create input.input", "Assets");
  await A.page.click(".template[data-template=blank]");
  await A.page.click("text=Create project");
  await A.page.waitForSelector(".ide");
  projectId = decodeURIComponent(A.page.url().split("#/p/")[1].split("/")[0]);
  V = await mk("Viewer");
  const vPub = await V.page.evaluate(() => JSON.parse(localStorage.getItem("vibe.session")).pubkey);
  const r = await api(A.page, "PUT", `/api/projects/${projectId}/members/${vPub}`, { role: "viewer" });
  if (r.status !== 200) throw new Error(r.text);
  await V.page.goto(`${base}/#/p/${encodeURIComponent(projectId)}`);
  await V.page.waitForSelector(".ide");
});
const png = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAABKklEQVR4nBXMwaBtIQAAwINwEUIIIYQQQgghhBBCCKHlX4YQQgbvT4vZzvd9//5+BCKJTKHS6Awmi83h8n0/AYFIIlOoNDqDyWJzuL8XBAGBSCJTqDQ6g8lic7jhBVFAIJLIFCqNzmCy2BxufEESEIgkMoVKozOYLDaHm16QBQQiiUyh0ugMJovN4eYXFAGBSCJTqDQ6g8lic7jlBVVAIJLIFCqNzmCy2BxufUETEIgkMoVKozOYLDaH217QBQQiiUyh0ugMJovN4fYXDAGBSCJTqDQ6g8lic7jjBVNAIJLIFCqNzmCy2BzufMESEIgkMoVKozOYLDaHu16wBQQiiUyh0ugMJovN4e4XHAGBSCJTqDQ6g8lic7jnBVdAIJLIFCqNzmCy2Bwu/wFy2bcfLOLqEQAAAABJRU5ErkJggg==";
await step("tree updates live for the viewer when A adds files", async () => {
  await api(A.page, "POST", `/api/projects/${projectId}/dirs/img`);
  await api(A.page, "PUT", `/api/projects/${projectId}/files/img/logo.png`, null, png);
  await api(A.page, "PUT", `/api/projects/${projectId}/files/README.md`, null, btoa("# Assets\n\nSome text.\n"));
  await V.page.waitForSelector('.tree-row[data-path="/README.md"]', { timeout: 10000 });
  await V.page.waitForSelector('.tree-row[data-path="/img"]', { timeout: 10000 });
});
await step("binary preview", async () => {
  await V.page.click('.tree-row[data-path="/img"]');
  await V.page.click('.tree-row[data-path="/img/logo.png"]');
  await V.page.waitForSelector(".binary-view img", { timeout: 10000 });
  await V.page.screenshot({ path: `${shots}/20-binary-preview.png` });
});
await step("viewer sees read-only banner and cannot edit", async () => {
  await V.page.click('.tree-row[data-path="/README.md"]');
  await V.page.waitForSelector(".editor-pane:not([hidden]) .banner:not([hidden])", { timeout: 10000 });
  console.log("     banner:", await V.page.textContent(".editor-pane:not([hidden]) .banner"));
  await V.page.screenshot({ path: `${shots}/21-viewer-readonly.png` });
});
await step("A renames README.md via the tree", async () => {
  await A.page.click('button[title="Refresh"]');
  await A.page.waitForSelector('.tree-row[data-path="/README.md"]');
  await A.page.click('.tree-row[data-path="/README.md"]');
  await A.page.hover('.tree-row[data-path="/README.md"]');
  await A.page.click('.tree-row[data-path="/README.md"] button[title="Rename"]');
  await A.page.fill(".modal input", "NOTES.md");
  await A.page.click(".modal button.primary");
  await A.page.waitForSelector('.tree-row[data-path="/NOTES.md"]', { timeout: 10000 });
  await A.page.waitForSelector('.tab:has-text("NOTES.md")', { timeout: 10000 });
  await V.page.waitForSelector('.tree-row[data-path="/NOTES.md"]', { timeout: 10000 });
});
await step("A deletes the image; viewer's tab closes", async () => {
  await A.page.hover('.tree-row[data-path="/img/logo.png"]').catch(async () => { await A.page.click('.tree-row[data-path="/img"]'); await A.page.hover('.tree-row[data-path="/img/logo.png"]'); });
  await A.page.click('.tree-row[data-path="/img/logo.png"] button[title="Delete"]');
  await A.page.click(".modal button.primary");
  await V.page.waitForFunction(() => !document.querySelector('.tree-row[data-path="/img/logo.png"]'), null, { timeout: 10000 });
  await V.page.waitForFunction(() => ![...document.querySelectorAll(".tab")].some((t) => t.textContent.includes("logo.png")), null, { timeout: 10000 });
});
await A.page.screenshot({ path: `${shots}/22-after-rename.png` });
await browser.close();
