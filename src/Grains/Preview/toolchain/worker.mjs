// The live preview's transform worker: JSON lines on stdin/stdout (docs/preview.md, "Worker protocol").
// Started with the project's working directory as cwd. Requests run concurrently and are answered by
// id; a failure is an error response, never an exit (unless esbuild's own process has died: then the
// worker exits so a fresh one is started). stdout carries only protocol lines.
import readline from "node:readline";
import * as esbuild from "esbuild";
import { toErrorObject } from "./lib/errors.mjs";
import { transform } from "./lib/transform.mjs";
import { runDeps } from "./lib/deps.mjs";
import { transformHtml } from "./lib/html.mjs";

// Libraries that log must not corrupt the protocol stream.
console.log = console.info = console.debug = (...args) => console.error(...args);

const ops = {
  deps: runDeps,
  transform,
  html: transformHtml,
};

let inFlight = 0;
let closed = false;

function send(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    send({ id: null, error: { message: `Bad request (not JSON): ${err.message}`, file: null, line: 0, column: 0, frame: "" } });
    return;
  }
  const id = request !== null && typeof request === "object" && (typeof request.id === "number" || typeof request.id === "string") ? request.id : null;
  const op = id === null ? undefined : ops[request.op];
  if (!op) {
    const why = id === null ? 'a request needs a numeric "id"' : `unknown op ${JSON.stringify(request.op)} (deps, transform, html)`;
    send({ id, error: { message: `Bad request: ${why}`, file: null, line: 0, column: 0, frame: "" } });
    return;
  }
  const started = performance.now();
  try {
    const result = await op(request);
    send({ id, ...result, ms: Math.round((performance.now() - started) * 100) / 100 });
  } catch (err) {
    if (!err?.file && !err?.errors) console.error(`[worker] ${request.op} ${request.path ?? ""}: ${err?.stack ?? err}`);
    send({ id, error: toErrorObject(err, typeof request.path === "string" ? request.path : null) });
    // esbuild's process is gone: every later request would fail the same way. Exit so the C# side
    // starts a fresh worker for the next request.
    if (/The service (was stopped|is no longer running)/.test(String(err?.message ?? err))) {
      console.error("[worker] esbuild stopped; exiting");
      process.exitCode = 70;
      closed = true;
      input.close();
    }
  }
}

function maybeExit() {
  if (closed && inFlight === 0) {
    esbuild.stop();
    process.exit();
  }
}

process.stdout.on("error", () => process.exit(0));

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line.trim()) return;
  inFlight++;
  handle(line).finally(() => {
    inFlight--;
    maybeExit();
  });
});
input.on("close", () => {
  closed = true;
  maybeExit();
});

// Nothing a request does may end the process; the C# side restarts a worker that hangs.
process.on("uncaughtException", (err) => console.error(`[worker] uncaught: ${err?.stack ?? err}`));
process.on("unhandledRejection", (err) => console.error(`[worker] unhandled: ${err?.stack ?? err}`));

// Start esbuild's service now so the first transform does not pay for it.
esbuild.transform("export const A = () => <div />;", { loader: "tsx", jsx: "automatic", jsxDev: true }).catch(() => {});
