// The browser runtime (dist/client.js, dist/refresh.js) in real headless Chromium, on the react
// template served through the real worker: state kept across an update, stylesheets swapped, the
// overlay shown and removed, runtime errors reported, reconnection.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { Worker, reactProject, removeProject } from "./fixture.mjs";
import { PreviewServer } from "./preview-server.mjs";
import { Browser, chromiumPath } from "./browser.mjs";

const root = "/preview/p1";
const noBrowser = !fs.existsSync(chromiumPath) && `no Chromium at ${chromiumPath} (test.sh installs it)`;

describe("HMR client in Chromium", { skip: noBrowser }, () => {
  let dir;
  let worker;
  let server;
  let browser;
  const text = (selector) => browser.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent`);

  before(async () => {
    dir = reactProject();
    worker = new Worker(dir);
    const deps = await worker.request({ op: "deps", root, entry: "index.html" });
    assert.equal(deps.error, undefined);
    server = new PreviewServer(dir, worker, root);
    await server.start();
    browser = await Browser.launch();
    await browser.goto(server.url);
    await browser.waitFor(`document.querySelector("button")?.textContent === "Count is 0"`, "the app to render");
    // Survives hot updates, disappears on a reload.
    await browser.evaluate("window.__notReloaded = true");
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await worker?.close();
    if (dir) removeProject(dir);
  });

  test("the template renders through the worker with the client first in head", async () => {
    assert.equal(await text("h1"), "Hello from Vibe");
    assert.equal(await browser.evaluate(`document.head.firstElementChild.getAttribute("src")`), `${root}/@vibe/client.js`);
  });

  test("an update of App.tsx replaces the heading and keeps the counter", async () => {
    for (let i = 0; i < 3; i++) await browser.evaluate(`document.querySelector("button").click()`);
    await browser.waitFor(`document.querySelector("button").textContent === "Count is 3"`, "three clicks");
    const answer = await server.edit("/src/App.tsx", "Hello from Vibe", "Hello, hot update");
    assert.equal(answer.selfAccepting, true);
    await browser.waitFor(`document.querySelector("h1").textContent === "Hello, hot update"`, "the new heading");
    assert.equal(await text("button"), "Count is 3");
    assert.equal(await browser.evaluate("window.__notReloaded"), true);
  });

  test("a stylesheet loaded by <link> is swapped without a reload", async () => {
    await server.edit("/src/styles.css", "background: #f6f8fa;", "background: rgb(1, 2, 3);", { link: true });
    await browser.waitFor(`getComputedStyle(document.documentElement).backgroundColor === "rgb(1, 2, 3)"`, "the new background");
    assert.equal(await browser.evaluate(`document.querySelectorAll('link[rel="stylesheet"]').length`), 1);
    assert.equal(await browser.evaluate("window.__notReloaded"), true);
  });

  test("a CSS module inserts its <style> and an update replaces it", async () => {
    fs.writeFileSync(`${dir}/src/extra.css`, "h1 { color: rgb(0, 0, 255); }\n");
    await browser.evaluate(`import("${root}/src/extra.css?import").then(() => 1)`);
    await browser.waitFor(`getComputedStyle(document.querySelector("h1")).color === "rgb(0, 0, 255)"`, "the module's style");
    await server.edit("/src/extra.css", "rgb(0, 0, 255)", "rgb(0, 128, 0)");
    await browser.waitFor(`getComputedStyle(document.querySelector("h1")).color === "rgb(0, 128, 0)"`, "the updated style");
    assert.equal(await browser.evaluate(`document.querySelectorAll('style[data-vibe-id="/src/extra.css"]').length`), 1);
  });

  test("an update of a module the page never loaded is not run", async () => {
    fs.writeFileSync(`${dir}/src/Later.tsx`, 'window.__laterRan = (window.__laterRan ?? 0) + 1;\nexport default function Later() { return null; }\n');
    server.send({ type: "update", updates: [{ path: "/src/Later.tsx", url: `${root}/src/Later.tsx`, t: Date.now() }] });
    // A later update that is applied shows the queue has moved past the first one.
    await server.edit("/src/App.tsx", "Hello, hot update", "Hello again");
    await browser.waitFor(`document.querySelector("h1").textContent === "Hello again"`, "the next update");
    assert.equal(await browser.evaluate("window.__laterRan"), undefined);
  });

  test("a build error shows the overlay with file and line; fixing it removes the overlay", async () => {
    const broken = await server.edit("/src/App.tsx", "useState(0);", "useState(0;");
    assert.equal(broken.error.line, 4);
    const overlay = `document.querySelector("vibe-error-overlay")?.shadowRoot`;
    const where = await browser.waitFor(`${overlay}?.querySelector(".file")?.textContent`, "the overlay");
    assert.equal(where, "/src/App.tsx:4:38");
    assert.match(await browser.evaluate(`${overlay}.querySelector(".message").textContent`), /Expected "\)"/);
    assert.match(await browser.evaluate(`${overlay}.querySelector(".frame").textContent`), /> 4 \|/);
    await server.edit("/src/App.tsx", "useState(0;", "useState(0);");
    await browser.waitFor(`document.querySelector("vibe-error-overlay") === null`, "the overlay to go");
    assert.equal(await text("button"), "Count is 3");
    assert.equal(await browser.evaluate("window.__notReloaded"), true);
  });

  test("a changed list of hooks remounts the component instead of keeping mismatched state", async () => {
    await server.edit("/src/App.tsx", "const [count, setCount] = useState(0);", "const [count, setCount] = useState(0);\n  const [label] = useState(\"x\");");
    await browser.waitFor(`document.querySelector("button").textContent === "Count is 0"`, "the remount");
    assert.equal(await browser.evaluate("window.__notReloaded"), true);
  });

  test("an uncaught error in the page is reported to the server as runtime-error", async () => {
    await browser.evaluate(`setTimeout(() => { throw new Error("boom from the page"); }, 0); 1`);
    const deadline = Date.now() + 15_000;
    while (!server.fromPage.some((m) => m.type === "runtime-error" && m.message === "boom from the page")) {
      if (Date.now() > deadline) throw new Error(`no runtime-error; got ${JSON.stringify(server.fromPage)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await browser.waitFor(`document.querySelector("vibe-error-overlay")?.dataset.kind === "runtime"`, "the runtime overlay");
  });

  test("a runtime error in a component is reported and shown at the line written, not the compiled one", async () => {
    await server.edit("/src/App.tsx", "    </main>", '      <button id="bad" onClick={() => { throw new Error("clicked bad"); }}>bad</button>\n    </main>');
    await browser.waitFor(`document.querySelector("#bad") !== null`, "the new button");
    const line = fs.readFileSync(`${dir}/src/App.tsx`, "utf8").split("\n").findIndex((l) => l.includes("clicked bad")) + 1;
    await browser.evaluate(`document.querySelector("#bad").click(); 1`);
    const deadline = Date.now() + 15_000;
    let report;
    while (!(report = server.fromPage.find((m) => m.type === "runtime-error" && m.message === "clicked bad"))) {
      if (Date.now() > deadline) throw new Error(`no runtime-error; got ${JSON.stringify(server.fromPage)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(report.file, "/src/App.tsx");
    assert.equal(report.line, line);
    const overlay = `document.querySelector("vibe-error-overlay")?.shadowRoot`;
    const where = await browser.waitFor(`${overlay}?.querySelector(".file")?.textContent.startsWith("/src/App.tsx:${line}:") && ${overlay}.querySelector(".file").textContent`, "the runtime overlay at the source line");
    assert.match(where, new RegExp(`^/src/App\\.tsx:${line}:\\d+$`));
    assert.match(await browser.evaluate(`${overlay}.querySelector(".frame").textContent`), /> *\d+ \| .*clicked bad/);
  });

  test("a page opened on a build error reloads when the error is fixed", async () => {
    await server.edit("/src/App.tsx", "useState(0);", "useState(0;");
    await browser.goto(server.url);
    await browser.waitFor(`document.querySelector("vibe-error-overlay")?.shadowRoot?.querySelector(".file")?.textContent.startsWith("/src/App.tsx:")`, "the overlay on load");
    assert.equal(await browser.evaluate(`document.querySelector("button")`), null);
    await server.edit("/src/App.tsx", "useState(0;", "useState(0);");
    await browser.waitFor(`document.querySelector("button")?.textContent === "Count is 0"`, "the app after the fix");
    await browser.waitFor(`document.documentElement.dataset.vibeHmr === "connected"`, "the socket");
    await browser.evaluate("window.__notReloaded = true");
  });

  test("full-reload reloads the page", async () => {
    await browser.waitFor(`document.documentElement.dataset.vibeHmr === "connected"`, "the socket");
    server.send({ type: "full-reload", reason: "test" });
    await browser.waitFor(`window.__notReloaded === undefined && document.querySelector("button") !== null`, "the reload");
    await browser.evaluate("window.__notReloaded = true");
    await browser.waitFor(`document.documentElement.dataset.vibeHmr === "connected"`, "the socket after the reload");
  });

  test("after the socket drops the client reconnects and reloads to catch up", async () => {
    server.dropSockets();
    await browser.waitFor(`window.__notReloaded === undefined && document.querySelector("button") !== null`, "the reload after reconnecting");
    const deadline = Date.now() + 15_000;
    while (server.sockets.size === 0) {
      if (Date.now() > deadline) throw new Error("the client did not reconnect");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
