// Short-lived notices in a corner, for errors from actions that have no other place to show them.
import { h } from "./dom";

let host: HTMLElement | null = null;

export function toast(message: string, kind: "info" | "error" = "info"): void {
  host ??= document.body.appendChild(h("div.toasts", { role: "status", "aria-live": "polite" }));
  const el = h("div.toast", { class: kind }, message);
  host.append(el);
  window.setTimeout(() => el.remove(), kind === "error" ? 7000 : 3500);
}
