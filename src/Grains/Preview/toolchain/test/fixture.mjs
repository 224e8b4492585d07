// Test fixtures: a real project made from the react template (react and react-dom installed by npm
// into a temp directory, the npm cache in /tmp) and the real worker process driven over its pipes.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const workerPath = path.join(here, "..", "worker.mjs");
export const templateDir = path.join(here, "..", "..", "..", "Projects", "Templates", "react");
const npmCache = path.join(os.tmpdir(), "vibe-toolchain-test-npm-cache");

/** A fresh copy of the react template with its dependencies (not devDependencies) installed. */
export function reactProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vibe-preview-react-"));
  fs.cpSync(templateDir, dir, { recursive: true });
  execFileSync("npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--cache", npmCache], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return dir;
}

/** An empty project directory with the given files ({ "src/a.ts": "..." }). */
export function projectWith(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vibe-preview-bare-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

export function removeProject(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The worker as the C# side runs it: cwd = the project, JSON lines both ways, answers matched by id. */
export class Worker {
  constructor(cwd) {
    this.process = spawn(process.execPath, [workerPath], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.waiting = new Map();
    this.unmatched = [];
    this.stderr = "";
    this.exited = new Promise((resolve) => this.process.on("exit", (code) => resolve(code)));
    let buffer = "";
    this.process.stdout.setEncoding("utf8");
    this.process.stdout.on("data", (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const message = JSON.parse(line); // anything else on stdout breaks the protocol: let it throw
        const resolve = this.waiting.get(message.id);
        if (resolve) {
          this.waiting.delete(message.id);
          resolve(message);
        } else this.unmatched.push(message);
      }
    });
    this.process.stderr.on("data", (chunk) => (this.stderr += chunk));
    this.nextId = 1;
  }

  /** Sends one request and resolves with the answer carrying its id. */
  request(body) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.process.stdin.write(JSON.stringify({ id, ...body }) + "\n");
    });
  }

  /** Sends a raw line; resolves with the next answer that matches no request (id null). */
  async raw(line) {
    const before = this.unmatched.length;
    this.process.stdin.write(line + "\n");
    const deadline = Date.now() + 10_000;
    while (this.unmatched.length === before) {
      if (Date.now() > deadline) throw new Error(`no answer to ${line}; stderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.unmatched[before];
  }

  async close() {
    this.process.stdin.end();
    return this.exited;
  }
}
