// Open files as tabs: click to switch, × or middle-click to close.
import { h, icon } from "../ui/dom";
import { fileBadge, fileName } from "./languages";

export class TabBar {
  readonly element = h("div.tab-bar", { role: "tablist" });
  private tabs: string[] = [];
  private active: string | null = null;

  constructor(private readonly onSelect: (path: string) => void, private readonly onClose: (path: string) => void) {}

  get paths(): readonly string[] {
    return this.tabs;
  }

  open(path: string): void {
    if (!this.tabs.includes(path)) this.tabs.push(path);
    this.active = path;
    this.render();
  }

  remove(path: string): string | null {
    const index = this.tabs.indexOf(path);
    if (index < 0) return this.active;
    this.tabs.splice(index, 1);
    if (this.active === path) this.active = this.tabs[Math.min(index, this.tabs.length - 1)] ?? null;
    this.render();
    return this.active;
  }

  rename(from: string, to: string): void {
    this.tabs = this.tabs.map((p) => (p === from ? to : p));
    if (this.active === from) this.active = to;
    this.render();
  }

  private render(): void {
    this.element.replaceChildren(...this.tabs.map((path) => {
      const badge = fileBadge(path);
      const close = h("button.tab-close", { type: "button", title: "Close", "aria-label": `Close ${fileName(path)}` }, icon("close"));
      close.addEventListener("click", (e) => { e.stopPropagation(); this.onClose(path); });
      const tab = h("div.tab", { role: "tab", title: path, class: path === this.active ? "active" : "", "aria-selected": String(path === this.active), tabindex: 0 },
        h("span.file-badge", { style: { color: badge.color } }, badge.text), h("span.tab-name", null, fileName(path)), close);
      tab.addEventListener("click", () => this.onSelect(path));
      tab.addEventListener("auxclick", (e) => { if (e.button === 1) this.onClose(path); });
      tab.addEventListener("keydown", (e) => { if (e.key === "Enter") this.onSelect(path); });
      return tab;
    }));
    this.element.querySelector(".tab.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}
