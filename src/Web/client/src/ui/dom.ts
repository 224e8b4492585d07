// A tiny element builder: h("div.class", { onclick }, children) keeps the components readable without a framework.

type Child = Node | string | null | undefined | false;
type Props = Partial<Record<string, unknown>> & { style?: Partial<CSSStyleDeclaration> | string; dataset?: Record<string, string> };

export function h<K extends keyof HTMLElementTagNameMap>(selector: K | `${K}.${string}` | `${K}#${string}`, props?: Props | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const [tagAndId, ...classes] = selector.split(".");
  const [tag, id] = tagAndId!.split("#");
  const el = document.createElement(tag as K);
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "style") {
      if (typeof value === "string") el.setAttribute("style", value);
      else Object.assign(el.style, value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === "class") {
      el.className = [el.className, String(value)].filter(Boolean).join(" ");
    } else if (name in el && typeof value !== "string") {
      (el as unknown as Record<string, unknown>)[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Inline SVG icons (stroke-based, 16px) so the bundle needs no icon font. */
const ICONS: Record<string, string> = {
  file: '<path d="M4 1.5h5l3.5 3.5v9.5h-8.5z"/><path d="M9 1.5V5h3.5"/>',
  folder: '<path d="M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z"/>',
  folderOpen: '<path d="M1.5 3.5h4.5l1.5 1.5h6v2"/><path d="M1.5 13.5l2-6.5h11.5l-2 6.5z"/>',
  plus: '<path d="M8 3v10M3 8h10"/>',
  newFile: '<path d="M4 1.5h5l3.5 3.5v9.5h-8.5z"/><path d="M8.25 7.5v5M5.75 10h5"/>',
  newFolder: '<path d="M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z"/><path d="M8 7v5M5.5 9.5h5"/>',
  refresh: '<path d="M13 8a5 5 0 1 1-1.5-3.5"/><path d="M13 2.5v3h-3"/>',
  close: '<path d="M4 4l8 8M12 4l-8 8"/>',
  chevron: '<path d="M6 4l4 4-4 4"/>',
  comment: '<path d="M2 3h12v8H7l-3 3v-3H2z"/>',
  sun: '<circle cx="8" cy="8" r="3"/><path d="M8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1"/>',
  moon: '<path d="M13.5 10A6 6 0 0 1 6 2.5a6 6 0 1 0 7.5 7.5z"/>',
  back: '<path d="M10 3L5 8l5 5"/>',
  logout: '<path d="M6 2.5H2.5v11H6M10 5l3 3-3 3M13 8H6"/>',
  image: '<rect x="1.5" y="2.5" width="13" height="11" rx="1"/><circle cx="5.5" cy="6" r="1.2"/><path d="M2 12l4-4 3 3 2-2 3.5 3.5"/>',
  check: '<path d="M3 8.5l3 3 7-7"/>',
  trash: '<path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4"/>',
  edit: '<path d="M10.5 2.5l3 3-8 8h-3v-3z"/>',
  key: '<circle cx="5" cy="10.5" r="3"/><path d="M7 8.5l6.5-6.5M11 4.5l2 2"/>',
  play: '<rect x="1.5" y="2.5" width="13" height="11" rx="1.5"/><path d="M6.5 5.5v5l4-2.5z"/>',
  external: '<path d="M9 2.5h4.5V7M13.5 2.5L7.5 8.5"/><path d="M11.5 9.5v4h-9v-9h4"/>',
  phone: '<rect x="4.5" y="1.5" width="7" height="13" rx="1.5"/><path d="M7 12.5h2"/>',
  tablet: '<rect x="2.5" y="1.5" width="11" height="13" rx="1.5"/><path d="M7 12.5h2"/>',
  desktop: '<rect x="1.5" y="2.5" width="13" height="9" rx="1"/><path d="M5.5 14h5M8 11.5V14"/>',
  log: '<path d="M3 3.5h10M3 6.5h10M3 9.5h7M3 12.5h5"/>',
};

export function icon(name: keyof typeof ICONS | string, className = "icon"): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.innerHTML = ICONS[name] ?? ICONS.file!;
  return svg;
}
