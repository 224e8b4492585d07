// The error overlay: a custom element with its own shadow DOM, so the app's CSS cannot restyle it and
// its CSS cannot leak into the app. Shows the message, file:line:column and the code frame.

const tag = "vibe-error-overlay";

const css = `
:host { position: fixed; inset: 0; z-index: 2147483647; display: flex; align-items: flex-start; justify-content: center;
  background: rgb(0 0 0 / 0.66); font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.box { margin-top: 8vh; max-width: min(960px, 92vw); max-height: 80vh; overflow: auto; background: #181818; color: #e6e6e6;
  border-top: 6px solid #ff5555; border-radius: 6px; padding: 20px 24px; box-shadow: 0 10px 40px rgb(0 0 0 / 0.5); }
.kind { color: #ff8a8a; font-weight: 600; text-transform: uppercase; font-size: 12px; letter-spacing: 0.06em; }
.message { color: #ff5555; font-weight: 600; white-space: pre-wrap; margin: 8px 0; }
.file { color: #8ab4f8; margin-bottom: 8px; }
pre { margin: 0; padding: 12px; background: #0f0f0f; border-radius: 4px; overflow: auto; color: #d4d4d4; }
.tip { margin-top: 12px; color: #999; font-size: 12px; }
button { float: right; background: none; border: 0; color: #aaa; font-size: 20px; cursor: pointer; }
`;

class ErrorOverlay extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${css}</style><div class="box" role="alert"><button title="Close (Esc)" aria-label="Close">×</button>
<div class="kind"></div><div class="message"></div><div class="file"></div><pre class="frame"></pre>
<div class="tip">Fix the code and save: this overlay goes away by itself.</div></div>`;
    root.querySelector("button").addEventListener("click", () => this.remove());
    this.addEventListener("click", (e) => {
      if (e.target === this) this.remove();
    });
  }

  show(error, kind) {
    const root = this.shadowRoot;
    root.querySelector(".kind").textContent = kind === "runtime" ? "Runtime error" : "Build error";
    root.querySelector(".message").textContent = error.message ?? String(error);
    const where = error.file ? `${error.file}${error.line ? `:${error.line}:${error.column ?? 0}` : ""}` : "";
    root.querySelector(".file").textContent = where;
    const frame = root.querySelector(".frame");
    frame.textContent = error.frame || error.stack || "";
    frame.hidden = !frame.textContent;
  }
}

if (!customElements.get(tag)) customElements.define(tag, ErrorOverlay);

export function showOverlay(error, kind = "build") {
  let overlay = document.querySelector(tag);
  if (!overlay) {
    overlay = document.createElement(tag);
    (document.body ?? document.documentElement).appendChild(overlay);
  }
  overlay.dataset.kind = kind;
  overlay.show(error, kind);
}

export function clearOverlay(kind) {
  for (const overlay of document.querySelectorAll(tag)) if (!kind || overlay.dataset.kind === kind) overlay.remove();
}

addEventListener("keydown", (e) => {
  if (e.key === "Escape") clearOverlay();
});
