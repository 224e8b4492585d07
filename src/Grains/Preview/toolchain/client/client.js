// The preview page's HMR client, served at {root}/@vibe/client.js and injected first in <head>.
// It hooks React Refresh in before React loads, keeps a WebSocket to {root}/@vibe/hmr, applies
// updates (re-import with ?t=, then one React refresh), reloads when told to, shows build and runtime
// errors in the overlay and reports runtime errors back. Messages: docs/preview.md, "HMR messages".
import { injectIntoGlobalHook, performReactRefresh } from "./refresh.js";
import { acceptModule, createHotContext, disposeModule, isHotModule } from "./hot.js";
import { reloadLink, removeStyle, updateStyle } from "./style.js";
import { clearOverlay, showOverlay } from "./overlay.js";

export { createHotContext, updateStyle, removeStyle };

injectIntoGlobalHook(window);
// Modules that were not transformed (a plain script) may still call these.
window.$RefreshReg$ = () => {};
window.$RefreshSig$ = () => (type) => type;

/** {origin}{root}/ — this file is {root}/@vibe/client.js. */
const root = new URL("../", import.meta.url);
const rootPath = root.pathname.replace(/\/$/, "");

let socket;
let everConnected = false;
let retry = 0;
const pending = [];

function connect() {
  const url = new URL("@vibe/hmr", root);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    retry = 0;
    // After a lost connection the server may have moved on (or restarted): start from fresh state.
    if (everConnected) location.reload();
    everConnected = true;
    while (pending.length) socket.send(pending.shift());
  });
  socket.addEventListener("message", (e) => {
    let message;
    try {
      message = JSON.parse(e.data);
    } catch {
      return;
    }
    onMessage(message);
  });
  socket.addEventListener("close", () => {
    // Back-off: 0.25 s, 0.5 s, 1 s ... at most 5 s between tries.
    const delay = Math.min(5000, 250 * 2 ** retry++);
    setTimeout(connect, delay);
  });
}

function send(message) {
  const text = JSON.stringify(message);
  if (socket?.readyState === WebSocket.OPEN) socket.send(text);
  else if (pending.length < 20) pending.push(text);
}

/** Updates apply one message at a time, in order. */
let queue = Promise.resolve();

function onMessage(message) {
  switch (message.type) {
    case "update":
      queue = queue.then(() => applyUpdate(message.updates ?? []));
      break;
    case "full-reload":
      location.reload();
      break;
    case "error":
      showOverlay(message.error ?? {}, "build");
      break;
    case "error-cleared":
      clearOverlay("build");
      break;
    case "status":
      document.documentElement.dataset.vibePreview = message.status;
      break;
  }
}

async function applyUpdate(updates) {
  for (const update of updates) {
    const t = update.t ?? Date.now();
    const isModule = /[?&]import\b/.test(update.url) || !update.path?.endsWith(".css");
    if (!isModule) {
      if (!reloadLink(update.url, t)) location.reload();
      continue;
    }
    // A module this page never ran (a route not visited yet) picks up the new code when it first loads.
    if (!isHotModule(update.path)) continue;
    try {
      await disposeModule(update.path);
      const url = update.url + (update.url.includes("?") ? "&" : "?") + "t=" + t;
      const module = await import(url);
      await acceptModule(update.path, module);
    } catch (err) {
      reportRuntimeError(err, update.path);
      showOverlay({ message: String(err?.message ?? err), file: update.path, stack: err?.stack }, "runtime");
      return;
    }
  }
  clearOverlay("runtime");
  performReactRefresh();
}

/** A browser URL (with ?t=) back to the project path the server knows ("/src/App.tsx"). */
function projectPath(url) {
  if (!url) return undefined;
  try {
    const u = new URL(url, location.href);
    if (u.origin !== root.origin || !u.pathname.startsWith(rootPath + "/")) return url;
    return u.pathname.slice(rootPath.length);
  } catch {
    return url;
  }
}

function reportRuntimeError(error, file, line, column) {
  const stack = typeof error?.stack === "string" ? error.stack : undefined;
  // The first stack frame under the preview root names the file when the event did not.
  if (!file && stack) {
    const frame = /(https?:\/\/[^\s)]+?):(\d+):(\d+)/.exec(stack);
    if (frame) [file, line, column] = [frame[1], Number(frame[2]), Number(frame[3])];
  }
  send({
    type: "runtime-error",
    message: String(error?.message ?? error),
    file: projectPath(file),
    line: line ?? 0,
    column: column ?? 0,
    stack,
  });
}

addEventListener("error", (e) => {
  if (!e.error && !e.message) return; // a resource that failed to load
  reportRuntimeError(e.error ?? e.message, e.filename, e.lineno, e.colno);
  showOverlay({ message: String(e.error?.message ?? e.message), file: projectPath(e.filename), line: e.lineno, column: e.colno, stack: e.error?.stack }, "runtime");
});

addEventListener("unhandledrejection", (e) => {
  reportRuntimeError(e.reason);
  showOverlay({ message: String(e.reason?.message ?? e.reason), stack: e.reason?.stack }, "runtime");
});

connect();
