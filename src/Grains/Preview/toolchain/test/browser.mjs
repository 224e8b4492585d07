// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages
// separated by NUL on fds 3 and 4), so the tests need no WebSocket client and no browser download.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const chromiumPath = "/usr/bin/chromium";

export class Browser {
  static async launch() {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "vibe-preview-chromium-"));
    const process_ = spawn(chromiumPath, [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank",
    ], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
    const browser = new Browser(process_, profile);
    const { targetId } = await browser.call("Target.createTarget", { url: "about:blank" });
    browser.session = (await browser.call("Target.attachToTarget", { targetId, flatten: true })).sessionId;
    await browser.call("Runtime.enable", {}, browser.session);
    await browser.call("Page.enable", {}, browser.session);
    return browser;
  }

  constructor(child, profile) {
    this.child = child;
    this.profile = profile;
    this.nextId = 1;
    this.waiting = new Map();
    this.exceptions = [];
    let buffer = "";
    child.stdio[4].setEncoding("utf8");
    child.stdio[4].on("data", (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\0")) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.id && this.waiting.has(message.id)) {
          this.waiting.get(message.id)(message);
          this.waiting.delete(message.id);
        } else if (message.method === "Runtime.exceptionThrown") {
          this.exceptions.push(message.params.exceptionDetails);
        }
      }
    });
  }

  call(method, params = {}, sessionId) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result)));
      this.child.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  }

  goto(url) {
    return this.call("Page.navigate", { url }, this.session);
  }

  /** The value of an expression in the page (awaited, by value). */
  async evaluate(expression) {
    const result = await this.call("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true }, this.session);
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
    return result.result.value;
  }

  /** Waits until the expression is truthy in the page; fails with `what` after the deadline. */
  async waitFor(expression, what, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let value;
      try {
        value = await this.evaluate(expression);
      } catch {
        value = undefined; // the page is navigating
      }
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close() {
    const exited = new Promise((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once("exit", resolve)));
    // Browser.close lets Chromium end its own helper processes; a kill of the main process would not.
    await Promise.race([this.call("Browser.close").catch(() => {}), exited]);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    await exited;
    fs.rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 });
  }
}
