// The sidebar tree of the project's workspace: expand/collapse, open, create, rename, delete, drag to move.
import type { TreeEntryView } from "../api-types";
import { h, icon } from "../ui/dom";
import { fileBadge, fileName } from "./languages";

export interface FileTreeActions {
  open(path: string): void;
  createFile(dir: string): void;
  createFolder(dir: string): void;
  rename(path: string, kind: "file" | "dir"): void;
  remove(path: string, kind: "file" | "dir"): void;
  move(from: string, toDir: string): void;
}

interface Node {
  path: string;
  name: string;
  kind: "file" | "dir";
  children: Node[];
}

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf("/")) || "/";
export const normalize = (path: string): string => "/" + path.replace(/^\/+/, "").replace(/\/+$/, "");

function buildTree(entries: TreeEntryView[]): Node {
  const root: Node = { path: "/", name: "", kind: "dir", children: [] };
  const dirs = new Map<string, Node>([["/", root]]);
  const ensureDir = (path: string): Node => {
    const existing = dirs.get(path);
    if (existing) return existing;
    const node: Node = { path, name: fileName(path), kind: "dir", children: [] };
    dirs.set(path, node);
    ensureDir(parentOf(path)).children.push(node);
    return node;
  };
  for (const e of [...entries].sort((a, b) => a.path.localeCompare(b.path))) {
    const path = normalize(e.path);
    if (path === "/") continue;
    if (e.kind === "dir") ensureDir(path);
    else ensureDir(parentOf(path)).children.push({ path, name: fileName(path), kind: "file", children: [] });
  }
  const sort = (n: Node): void => {
    n.children.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "dir" ? -1 : 1));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

export class FileTree {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly expanded = new Set<string>(["/", "/src"]);
  private entries: TreeEntryView[] = [];
  private active: string | null = null;
  private canEdit = true;

  constructor(private readonly actions: FileTreeActions) {
    this.body = h("div.tree", { role: "tree" });
    this.body.addEventListener("dragover", (e) => this.onDragOver(e, "/"));
    this.body.addEventListener("drop", (e) => this.onDrop(e, "/"));
    this.element = this.body;
  }

  setEntries(entries: TreeEntryView[]): void {
    this.entries = entries;
    this.render();
  }

  setEditable(canEdit: boolean): void {
    this.canEdit = canEdit;
    this.render();
  }

  setActive(path: string | null): void {
    this.active = path ? normalize(path) : null;
    if (this.active) {
      // Reveal the open file.
      for (let dir = parentOf(this.active); dir !== "/"; dir = parentOf(dir)) this.expanded.add(dir);
    }
    this.render();
  }

  private render(): void {
    const root = buildTree(this.entries);
    const rows: HTMLElement[] = [];
    const walk = (node: Node, depth: number): void => {
      for (const child of node.children) {
        rows.push(this.row(child, depth));
        if (child.kind === "dir" && this.expanded.has(child.path)) walk(child, depth + 1);
      }
    };
    walk(root, 0);
    this.body.replaceChildren(...(rows.length ? rows : [h("div.empty.small", null, "This workspace is empty.")]));
  }

  private row(node: Node, depth: number): HTMLElement {
    const open = this.expanded.has(node.path);
    const badge = fileBadge(node.path);
    const lead = node.kind === "dir"
      ? h("span.tree-twisty", { class: open ? "open" : "" }, icon("chevron"))
      : h("span.tree-twisty");
    const glyph = node.kind === "dir"
      ? icon(open ? "folderOpen" : "folder", "icon folder-icon")
      : h("span.file-badge", { style: { color: badge.color } }, badge.text);
    const actions = this.canEdit
      ? h("span.tree-actions", null,
        node.kind === "dir" ? h("button.icon-button.tiny", { type: "button", title: "New file here", onclick: (e: Event) => { e.stopPropagation(); this.actions.createFile(node.path); } }, icon("newFile")) : null,
        h("button.icon-button.tiny", { type: "button", title: "Rename", onclick: (e: Event) => { e.stopPropagation(); this.actions.rename(node.path, node.kind); } }, icon("edit")),
        h("button.icon-button.tiny", { type: "button", title: "Delete", onclick: (e: Event) => { e.stopPropagation(); this.actions.remove(node.path, node.kind); } }, icon("trash")))
      : null;
    const row = h("div.tree-row", {
      role: "treeitem",
      tabindex: 0,
      title: node.path,
      draggable: this.canEdit,
      class: node.path === this.active ? "active" : "",
      style: { paddingLeft: `${8 + depth * 14}px` },
      dataset: { path: node.path, kind: node.kind },
      "aria-expanded": node.kind === "dir" ? String(open) : undefined,
    }, lead, glyph, h("span.tree-name", null, node.name), actions);
    const activate = (): void => {
      if (node.kind === "dir") {
        if (open) this.expanded.delete(node.path); else this.expanded.add(node.path);
        this.render();
      } else {
        this.actions.open(node.path);
      }
    };
    row.addEventListener("click", activate);
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); }
      if (e.key === "F2" && this.canEdit) this.actions.rename(node.path, node.kind);
      if (e.key === "Delete" && this.canEdit) this.actions.remove(node.path, node.kind);
    });
    row.addEventListener("dragstart", (e) => {
      e.dataTransfer?.setData("application/x-vibe-path", node.path);
      e.dataTransfer!.effectAllowed = "move";
    });
    const dropDir = node.kind === "dir" ? node.path : parentOf(node.path);
    row.addEventListener("dragover", (e) => this.onDragOver(e, dropDir));
    row.addEventListener("dragleave", () => row.classList.remove("drop-target"));
    row.addEventListener("drop", (e) => { row.classList.remove("drop-target"); this.onDrop(e, dropDir); });
    return row;
  }

  private onDragOver(e: DragEvent, _dir: string): void {
    if (!this.canEdit || !e.dataTransfer?.types.includes("application/x-vibe-path")) return;
    e.preventDefault();
    e.stopPropagation();
    (e.currentTarget as HTMLElement).classList.add("drop-target");
  }

  private onDrop(e: DragEvent, dir: string): void {
    const from = e.dataTransfer?.getData("application/x-vibe-path");
    if (!from) return;
    e.preventDefault();
    e.stopPropagation();
    this.body.classList.remove("drop-target");
    if (parentOf(from) === dir || dir === from || dir.startsWith(from + "/")) return;
    this.actions.move(from, dir);
  }
}
