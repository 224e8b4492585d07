// The preview page's HMR client, served at {root}/@vibe/client.js and injected first in <head>.
// It hooks React Refresh in before React loads, keeps a WebSocket to {root}/@vibe/hmr, applies
// updates (re-import with ?t=, then one React refresh), reloads when told to, shows build and runtime
// errors in the overlay and reports runtime errors back. Messages: docs/preview.md, "HMR messages".
import { injectIntoGlobalHook, performReactRefresh } from "./refresh.js";
import { acceptModule, createHotContext, disposeModule, isHotModule } from "./hot.js";
import { reloadLink, removeStyle, updateStyle } from "./style.js";
import { clearOverlay, showOverlay } from "./overlay.js";
import { codeFrame, originalPosition } from "./sourcemap.js";

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
    // Visible to tests and tools: <html data-vibe-hmr="connected">.
    document.documentElement.dataset.vibeHmr = "connected";
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
    document.documentElement.dataset.vibeHmr = "disconnected";
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

/**
 * A build error was reported since the last applied update. If the page opened on that error, the
 * broken module (and everything importing it) never ran, so its fix cannot be hot-applied: reload.
 */
let buildErrorSeen = false;

function onMessage(message) {
  switch (message.type) {
    case "update":
      queue = queue.then(() => applyUpdate(message.updates ?? []));
      break;
    case "full-reload":
      location.reload();
      break;
    case "error":
      buildErrorSeen = true;
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
    // A module this page never ran (a route not visited yet) picks up the new code when it first loads;
    // unless it failed to load because of the error now fixed.
    if (!isHotModule(update.path)) {
      if (buildErrorSeen) return location.reload();
      continue;
    }
    try {
      await disposeModule(update.path);
      const url = update.url + (update.url.includes("?") ? "&" : "?") + "t=" + t;
      const module = await import(url);
      await acceptModule(update.path, module);
    } catch (err) {
      runtimeError(err);
      return;
    }
  }
  buildErrorSeen = false;
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

/** A served module of the project's own (not a pre-bundled dependency, not this client). */
function isProjectModule(url) {
  try {
    const u = new URL(url, location.href);
    return u.origin === root.origin && u.pathname.startsWith(rootPath + "/") && !/\/@(deps|vibe)\//.test(u.pathname);
  } catch {
    return false;
  }
}

/**
 * Shows a runtime error in the overlay and reports it, placed at the first stack frame in the project's
 * own code and mapped back to the line that was written through the module's source map.
 */
async function runtimeError(error, url, line, column) {
  const stack = typeof error?.stack === "string" ? error.stack : undefined;
  for (const m of stack?.matchAll(/(https?:\/\/[^\s()]+?):(\d+):(\d+)/g) ?? []) {
    if (!isProjectModule(m[1])) continue;
    [url, line, column] = [m[1], Number(m[2]), Number(m[3])];
    break;
  }
  let file = projectPath(url);
  let frame = "";
  if (url && line && isProjectModule(url)) {
    const original = await originalPosition(url, line, column ?? 0);
    if (original) {
      file = original.file ?? file;
      ({ line, column } = original);
      if (original.text) frame = codeFrame(original.text, line, column);
    }
  }
  const message = String(error?.message ?? error);
  send({ type: "runtime-error", message, file, line: line ?? 0, column: column ?? 0, stack });
  showOverlay({ message, file, line, column, frame, stack }, "runtime");
}

addEventListener("error", (e) => {
  if (!e.error && !e.message) return; // a resource that failed to load
  runtimeError(e.error ?? e.message, e.filename, e.lineno, e.colno);
});

addEventListener("unhandledrejection", (e) => {
  runtimeError(e.reason);
});

connect();
