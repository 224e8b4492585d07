// The live preview beside the editor: the running app in a frame on the preview origin, device sizes,
// open in a new tab, the dev server's status (pushed by the hub) and its build log.
import { HubEvents, type PreviewState, type PreviewStatusView, type PreviewView } from "../api-types";
import type { ApiClient } from "../api/client";
import { ApiError, messageOf } from "../api/errors";
import type { CollabHub } from "../collab/hub";
import { h, icon } from "../ui/dom";

type Device = "mobile" | "tablet" | "desktop";

/** Widths of the device presets; desktop takes the whole panel. */
export const DEVICE_WIDTHS: Record<Device, number | null> = { mobile: 375, tablet: 768, desktop: null };

const STATUS_LABEL: Record<PreviewState, string> = {
  stopped: "Stopped",
  installing: "Installing",
  building: "Building",
  ready: "Ready",
  error: "Error",
};

const STORAGE = { open: "vibe.preview.open", device: "vibe.preview.device", width: "vibe.preview.width" } as const;
const MIN_WIDTH = 300;
/** A URL's token lives as long as a session; fetch a fresh one well before that. */
const URL_MAX_AGE_MS = 10 * 60 * 1000;

export class PreviewPanel {
  readonly element: HTMLElement;
  private readonly frame: HTMLIFrameElement;
  private readonly stage: HTMLElement;
  private readonly device: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly message: HTMLElement;
  private readonly newTab: HTMLAnchorElement;
  private readonly logBox: HTMLElement;
  private readonly logText: HTMLElement;
  private readonly deviceButtons = new Map<Device, HTMLButtonElement>();
  private readonly off: (() => void)[] = [];
  private status: PreviewState | null = null;
  private loadedWhile: PreviewState | null = null;
  private urlFetchedAt = 0;
  private logTimer: number | undefined;
  private disposed = false;

  constructor(private readonly api: ApiClient, private readonly projectId: string, hub: CollabHub | null,
              private readonly onToggle: (open: boolean) => void = () => undefined) {
    this.frame = h("iframe.preview-frame", {
      title: "Preview of the running app",
      // The app runs on its own origin; the sandbox also keeps it from navigating the IDE away.
      sandbox: "allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads allow-pointer-lock",
      allow: "clipboard-read; clipboard-write; fullscreen",
    });
    this.device = h("div.preview-device", null, this.frame);
    this.stage = h("div.preview-stage", null, this.device);
    this.badge = h("span.preview-badge", { role: "status", dataset: { status: "stopped" } }, h("span.dot"), "Stopped");
    this.message = h("div.preview-message", { hidden: true });
    this.newTab = h("a.icon-button", { title: "Open in a new tab", target: "_blank", rel: "noopener noreferrer", href: "#",
      onpointerenter: () => { if (Date.now() - this.urlFetchedAt > URL_MAX_AGE_MS) void this.refreshUrl(false); } }, icon("external"));
    this.logText = h("pre.preview-log-text", null, "");
    this.logBox = h("div.preview-log", { hidden: true },
      h("div.panel-header", null, h("span", null, "Build log"),
        h("span.panel-actions", null,
          h("button.icon-button", { type: "button", title: "Refresh the log", onclick: () => void this.loadLog() }, icon("refresh")),
          h("button.icon-button", { type: "button", title: "Hide the log", onclick: () => this.showLog(false) }, icon("close")))),
      this.logText);

    const devices = h("span.segmented", { role: "group", "aria-label": "Device size" },
      ...(Object.keys(DEVICE_WIDTHS) as Device[]).map((d) => {
        const width = DEVICE_WIDTHS[d];
        const button = h("button.icon-button", { type: "button", title: width ? `${d[0]!.toUpperCase()}${d.slice(1)} (${width} px)` : "Desktop (full width)",
          dataset: { device: d }, onclick: () => this.setDevice(d) }, icon(d === "mobile" ? "phone" : d));
        this.deviceButtons.set(d, button);
        return button;
      }));

    const resizer = h("div.preview-resizer", { title: "Drag to resize", onpointerdown: (e: PointerEvent) => this.startResize(e) });
    this.element = h("aside.preview-panel", { hidden: true },
      resizer,
      h("div.panel-header.preview-header", null,
        h("span.preview-title", null, "Preview"), this.badge,
        h("span.top-spacer"),
        devices,
        h("button.icon-button", { type: "button", title: "Reload the preview", onclick: () => void this.refreshUrl(true) }, icon("refresh")),
        h("button.icon-button", { type: "button", title: "Build log", onclick: () => this.showLog(this.logBox.hidden) }, icon("log")),
        this.newTab),
      this.message,
      this.stage,
      this.logBox);

    const width = Number(localStorage.getItem(STORAGE.width));
    if (width >= MIN_WIDTH) this.element.style.width = `${width}px`;
    this.setDevice((localStorage.getItem(STORAGE.device) as Device | null) ?? "desktop");

    if (hub) {
      this.off.push(
        hub.on(HubEvents.previewStatus, ((projectId: string, status: PreviewStatusView) => {
          if (projectId === this.projectId) this.applyStatus(status.status, status.message);
        }) as never),
        // Status changes made while the hub was away are only in the API's answer.
        hub.onConnected(() => { if (this.visible && this.frame.getAttribute("src")) void this.refreshUrl(false); }),
      );
    }
    if (localStorage.getItem(STORAGE.open) === "1") this.toggle(true);
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  toggle(show = this.element.hidden): void {
    this.element.hidden = !show;
    localStorage.setItem(STORAGE.open, show ? "1" : "0");
    // The first opening starts the preview; later ones keep the running page.
    if (show && !this.frame.getAttribute("src")) void this.refreshUrl(true);
    this.onToggle(show);
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.logTimer);
    for (const off of this.off) off();
  }

  private setDevice(device: Device): void {
    if (!(device in DEVICE_WIDTHS)) device = "desktop";
    const width = DEVICE_WIDTHS[device];
    this.device.dataset.device = device;
    this.device.style.width = width ? `${width}px` : "";
    for (const [d, button] of this.deviceButtons) button.classList.toggle("active", d === device);
    localStorage.setItem(STORAGE.device, device);
  }

  /** Asks for the preview (starting it if needed) and, with <c>reload</c>, loads the page again with a fresh token. */
  private async refreshUrl(reload: boolean): Promise<void> {
    let view: PreviewView;
    try {
      view = await this.api.preview(this.projectId);
    } catch (e) {
      this.applyStatus("error", `The preview could not be started: ${messageOf(e)}`);
      return;
    }
    if (this.disposed) return;
    this.urlFetchedAt = Date.now();
    this.newTab.href = view.url;
    this.applyStatus(view.status, view.message);
    if (reload) {
      this.loadedWhile = view.status;
      this.frame.src = view.url;
    }
  }

  private applyStatus(status: PreviewState, message: string | null): void {
    const previous = this.status;
    this.status = status;
    this.badge.dataset.status = status;
    this.badge.replaceChildren(h("span.dot"), STATUS_LABEL[status] ?? status);
    this.badge.title = message ?? `The dev server is ${STATUS_LABEL[status]?.toLowerCase() ?? status}.`;
    this.message.hidden = status !== "error" || !message;
    this.message.textContent = message ?? "";
    if (status === "error") this.showLog(true);
    else if (previous !== status) this.loadLogSoon();
    // A page first asked for while npm was still installing (or after a failure) may never have loaded; once the
    // server is ready it gets one fresh load. Later edits reach a loaded page by HMR, without reloads.
    if (status === "ready" && this.visible && this.loadedWhile !== null && this.loadedWhile !== "ready"
        && this.loadedWhile !== "building") {
      void this.refreshUrl(true);
    }
  }

  private showLog(show: boolean): void {
    this.logBox.hidden = !show;
    if (show) void this.loadLog();
  }

  private loadLogSoon(): void {
    window.clearTimeout(this.logTimer);
    if (!this.logBox.hidden) this.logTimer = window.setTimeout(() => void this.loadLog(), 300);
  }

  private async loadLog(): Promise<void> {
    try {
      const text = await this.api.readLog(this.projectId, "build.log");
      if (this.disposed) return;
      this.logText.textContent = text.trim() ? text : "The build log is empty.";
      this.logText.scrollTop = this.logText.scrollHeight;
    } catch (e) {
      this.logText.textContent = e instanceof ApiError && e.status === 404 ? "No build output yet." : `Could not read the log: ${messageOf(e)}`;
    }
  }

  private startResize(down: PointerEvent): void {
    down.preventDefault();
    const startX = down.clientX;
    const startWidth = this.element.getBoundingClientRect().width;
    // The frame would swallow pointer events while the mouse passes over it.
    this.element.classList.add("resizing");
    const move = (e: PointerEvent): void => {
      const max = Math.max(MIN_WIDTH, window.innerWidth * 0.75);
      const width = Math.min(max, Math.max(MIN_WIDTH, startWidth + (startX - e.clientX)));
      this.element.style.width = `${Math.round(width)}px`;
    };
    const up = (): void => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      this.element.classList.remove("resizing");
      localStorage.setItem(STORAGE.width, String(Math.round(this.element.getBoundingClientRect().width)));
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
}
