// Needs playwright-core (not a dependency of the client): PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core/index.mjs
const { chromium } = await import(process.env.PLAYWRIGHT_CORE ?? "playwright-core");
const base = process.env.BASE ?? "http://127.0.0.1:5099";
const shots = process.env.SHOTS ?? "/tmp/vibe-shots";
import fs from "node:fs"; fs.mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
const page = await context.newPage();
const logs = [];
page.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
const step = async (name, fn) => { try { await fn(); console.log("ok  ", name); } catch (e) { console.log("FAIL", name, e.message.split("\n")[0]); } };

await page.goto(base + "/");
await page.screenshot({ path: `${shots}/01-sign-in.png` });
await step("sign in with new key", async () => {
  await page.fill(".sign-in-card input.input:not(.mono)", "Ada Lovelace");
  await page.click("text=Create a new key");
  await page.waitForSelector(".projects", { timeout: 10000 });
});
await step("create react project", async () => {
  await page.fill(".create input.input", "Todo app");
  await page.click(".template[data-template=react]");
  await page.click("text=Create project");
  await page.waitForSelector(".ide .tree-row", { timeout: 15000 });
});
await page.screenshot({ path: `${shots}/02-ide-tree.png` });
await step("open a file", async () => {
  const rows = await page.$$eval(".tree-row", (r) => r.map((x) => x.dataset.path));
  console.log("     tree:", rows.join(" "));
  const target = rows.find((p) => p.endsWith("App.tsx")) ?? rows.find((p) => p.endsWith(".tsx") || p.endsWith(".ts") || p.endsWith(".json"));
  if (!rows.includes("/src")) {} 
  await page.click(`.tree-row[data-path="${target}"]`);
  await page.waitForSelector(".editor-pane:not([hidden]) .cm-content", { timeout: 15000 });
  await page.waitForFunction(() => { const o = document.querySelector(".editor-pane:not([hidden]) .editor-overlay"); return o && o.hidden; }, null, { timeout: 15000 });
});
await page.screenshot({ path: `${shots}/03-ide-editor.png` });
await step("type in editor", async () => {
  await page.click(".editor-pane:not([hidden]) .cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n// edited by playwright\n");
  await page.waitForTimeout(1500);
});
await step("new file via dialog", async () => {
  await page.click(".sidebar .panel-header button[title='New file']");
  await page.fill(".modal input", "notes.md");
  await page.click(".modal button.primary");
  await page.waitForSelector(".tab:has-text('notes.md')", { timeout: 10000 });
  await page.waitForTimeout(500);
  await page.click(".editor-pane:not([hidden]) .cm-content");
  await page.keyboard.type("# Notes\n\nHello **world**\n");
  await page.waitForTimeout(1500);
});
await step("hash change opens another file in the same IDE", async () => {
  await page.evaluate(() => { location.hash = location.hash.replace(/\/[^/]+\.md$/, "") .replace(/(#\/p\/[^/]+).*/, "$1/src/styles.css"); });
  await page.waitForSelector(".tab.active:has-text('styles.css')", { timeout: 10000 });
  await page.waitForSelector(".tab:has-text('notes.md')", { timeout: 1000 });
});
await page.screenshot({ path: `${shots}/04-ide-two-tabs.png` });
await step("light theme", async () => {
  await page.click("button[title='Switch theme']");
  await page.waitForTimeout(300);
});
await page.screenshot({ path: `${shots}/05-ide-light.png` });
await step("projects page", async () => {
  await page.click("a.crumb");
  await page.waitForSelector(".project-card", { timeout: 10000 });
});
await page.screenshot({ path: `${shots}/06-projects.png` });
console.log("status:", await page.evaluate(() => document.querySelector(".status-bar")?.textContent ?? "(none)"));
console.log(logs.slice(0, 30).join("\n"));
await browser.close();
