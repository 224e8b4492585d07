// The IDE for one project: tree, tabs, editors, comments and status, wired to REST and the collaboration hub.
import { HubEvents, HubMethods, type Presence, type ProjectJoined, type ProjectView, type TreeChange } from "../api-types";
import type { AppContext, Page } from "../app-context";
import { messageOf } from "../api/errors";
import { awarenessUser } from "../auth/profile";
import { DocumentSession, indexedDbName } from "../collab/document-session";
import { CollabHub } from "../collab/hub";
import { navigate, parseRoute } from "../router";
import { renderTopBar } from "../pages/top-bar";
import { h, icon } from "../ui/dom";
import { confirm, prompt } from "../ui/dialog";
import { toast } from "../ui/toast";
import { renderBinaryView } from "./binary-view";
import { CodeEditor } from "./code-editor";
import { CommentsPanel } from "./comments-panel";
import { FileTree, normalize } from "./file-tree";
import { isBinaryPath, looksBinary } from "./languages";
import { PresenceList } from "./presence";
import { PreviewPanel } from "./preview-panel";
import { StatusBar } from "./status-bar";
import { TabBar } from "./tab-bar";

interface OpenFile {
  path: string;
  container: HTMLElement;
  session: DocumentSession | null;
  editor: CodeEditor | null;
  dispose(): void;
}

const validName = (name: string): string | null =>
  !name ? "Required." : /[\\\0]/.test(name) || name.split("/").some((p) => p === ".." || p === ".") ? "Use a plain name (no .., . or backslashes)." : null;
const join = (dir: string, name: string): string => normalize(`${dir}/${name}`);
const parentOf = (path: string): string => path.slice(0, path.lastIndexOf("/")) || "/";

export function renderIde(ctx: AppContext, projectId: string, initialPath: string | null): Page {
  const hub = new CollabHub(ctx.session);
  const presence = new PresenceList(ctx.session.pubkey);
  const statusBar = new StatusBar(presence.element);
  const open = new Map<string, OpenFile>();
  let active: string | null = null;
  let project: ProjectView | null = null;
  let canEdit = true;
  const cleanup: (() => void)[] = [];

  const tree = new FileTree({
    open: (path) => void openFile(path),
    createFile: (dir) => void createFile(dir),
    createFolder: (dir) => void createFolder(dir),
    rename: (path, kind) => void rename(path, kind),
    remove: (path, kind) => void remove(path, kind),
    move: (from, toDir) => void moveTo(from, join(toDir, from.slice(from.lastIndexOf("/") + 1))),
  });
  const tabs = new TabBar((path) => activate(path), (path) => close(path));
  const comments = new CommentsPanel(hub, projectId, presence.nameOf);
  const editorArea = h("div.editor-area");
  const emptyState = h("div.editor-empty", null,
    h("div.brand-mark.huge", null, "◆"),
    h("p", null, "Open a file from the explorer to start editing."),
    h("p.muted.small", null, "Edits are shared live with everyone in the project and kept in this browser while offline."));
  editorArea.append(emptyState);

  const projectTitle = h("span.crumb-current", null, projectId);
  const commentsButton = h("button.button.small.ghost", { type: "button", title: "Show comments", onclick: () => comments.toggle() }, icon("comment"), "Comments");
  const previewButton = h("button.button.small.ghost.preview-toggle", { type: "button", title: "Show the running app beside the editor",
    onclick: () => preview.toggle() }, icon("play"), "Preview");
  const preview = new PreviewPanel(ctx.api, projectId, hub, (shown) => {
    previewButton.classList.toggle("active", shown);
    previewButton.setAttribute("aria-pressed", String(shown));
  });
  const header = renderTopBar(ctx,
    h("nav.crumbs", null, h("a.crumb", { href: "#/" }, "Projects"), h("span.crumb-sep", null, "/"), projectTitle),
    h("span.top-spacer"), previewButton, commentsButton);

  const sidebar = h("aside.sidebar", null,
    h("div.panel-header", null,
      h("span", null, "Explorer"),
      h("span.panel-actions", { hidden: true },
        h("button.icon-button", { type: "button", title: "New file", onclick: () => void createFile(active ? parentOf(active) : "/") }, icon("newFile")),
        h("button.icon-button", { type: "button", title: "New folder", onclick: () => void createFolder(active ? parentOf(active) : "/") }, icon("newFolder")),
        h("button.icon-button", { type: "button", title: "Refresh", onclick: () => void loadTree() }, icon("refresh")))),
    tree.element);

  const element = h("div.page.ide", null,
    header,
    h("div.ide-body", null, sidebar, h("section.ide-main", null, tabs.element, editorArea), preview.element, comments.element),
    statusBar.element);

  // ---- tree ----
  let treeTimer: number | undefined;
  async function loadTree(): Promise<void> {
    try {
      tree.setEntries(await ctx.api.tree(projectId, "/"));
    } catch (e) {
      toast(`Could not load files: ${messageOf(e)}`, "error");
    }
  }
  const refreshTreeSoon = (): void => {
    window.clearTimeout(treeTimer);
    treeTimer = window.setTimeout(() => void loadTree(), 150);
  };

  // ---- hub ----
  cleanup.push(
    hub.state.subscribe((state) => {
      if (hub.available.value === false) statusBar.setConnection("offline", "No live collaboration on this server");
      else statusBar.setConnection(state);
    }),
    hub.available.subscribe((available) => {
      if (available === false) statusBar.setConnection("offline", "No live collaboration on this server");
    }),
    hub.on(HubEvents.treeChanged, ((id: string, change: TreeChange) => {
      if (id !== projectId) return;
      refreshTreeSoon();
      const path = normalize(change.path);
      if (change.kind === "deleted") closeUnder(path, "deleted");
      if (change.kind === "moved" && change.from) closeUnder(normalize(change.from), "moved");
    }) as never),
    hub.on(HubEvents.documentClosed, ((id: string) => {
      if (!id.startsWith(projectId + "/")) return;
      closeUnder(normalize(id.slice(projectId.length + 1)), "deleted or moved");
    }) as never),
    hub.on(HubEvents.presenceChanged, ((id: string, p: Presence) => { if (id === projectId) presence.applyPresence(p); }) as never),
    hub.onConnected(() => {
      hub.invoke<ProjectJoined>(HubMethods.joinProject, projectId)
        .then((joined) => statusBar.setRole(joined.role))
        .catch((e) => toast(`Could not join the project live: ${messageOf(e)}`, "error"));
      // Changes made while we were away are only in the tree listing.
      refreshTreeSoon();
    }),
  );
  void hub.start();

  // ---- files ----
  async function openFile(rawPath: string): Promise<void> {
    const path = normalize(rawPath);
    if (open.has(path)) { activate(path); return; }
    const container = h("div.editor-pane", { hidden: true });
    editorArea.append(container);
    const file: OpenFile = { path, container, session: null, editor: null, dispose: () => container.remove() };
    open.set(path, file);
    tabs.open(path);
    activate(path);

    if (isBinaryPath(path)) {
      showBinary(file, null);
      return;
    }
    await hub.start();
    try {
      const user = awarenessUser(ctx.profile, ctx.session.pubkey);
      const { session, bytes } = await DocumentSession.open(hub.available.value === false ? null : hub, ctx.api, projectId, path, user);
      if (open.get(path) !== file) { session.destroy(); return; }
      if (bytes && looksBinary(bytes)) { session.destroy(); showBinary(file, bytes); return; }
      showEditor(file, session);
    } catch (e) {
      container.replaceChildren(h("div.editor-error", null, h("strong", null, "Could not open this file."), h("div.muted", null, messageOf(e))));
    }
  }

  function showBinary(file: OpenFile, bytes: Uint8Array | null): void {
    const view = renderBinaryView(ctx.api, projectId, file.path, bytes);
    file.container.replaceChildren(view.element);
    file.dispose = () => { view.dispose(); file.container.remove(); };
    if (active === file.path) activate(file.path);
  }

  function showEditor(file: OpenFile, session: DocumentSession): void {
    const banner = h("div.banner", { hidden: true });
    const overlay = h("div.editor-overlay", null, h("div.spinner"), h("span", null, "Loading…"));
    const host = h("div.editor-host");
    file.container.replaceChildren(banner, host, overlay);
    const editor = new CodeEditor(host, session,
      (cursor) => { if (active === file.path) statusBar.setCursor(cursor); },
      (id) => comments.focusComment(id));
    file.session = session;
    file.editor = editor;
    const offs = [
      session.readOnly.subscribe(({ readOnly, reason }) => {
        banner.hidden = !readOnly && canEdit;
        banner.replaceChildren(icon("key"), `Read-only — ${reason ?? "you cannot edit this project."}`);
      }),
      session.ready.subscribe((ready) => { overlay.hidden = ready; }),
      session.status.subscribe((status) => {
        overlay.lastElementChild!.textContent = status.text;
        if (active === file.path) statusBar.setDocument(status);
      }),
    ];
    file.dispose = () => {
      offs.forEach((off) => off());
      editor.destroy();
      session.destroy();
      file.container.remove();
    };
    if (active === file.path) activate(file.path);
  }

  function activate(path: string): void {
    const file = open.get(path);
    if (!file) return;
    active = path;
    for (const f of open.values()) f.container.hidden = f !== file;
    emptyState.hidden = true;
    tabs.open(path);
    tree.setActive(path);
    statusBar.setDocument(file.session?.status.value ?? null);
    statusBar.setLanguage(file.editor?.language ?? (file.session ? null : "Binary"));
    if (!file.editor) statusBar.setCursor(null);
    presence.watch(file.session?.awareness ?? null);
    comments.attach(file.editor);
    file.editor?.focus();
    navigate({ name: "ide", projectId, path }, true);
  }

  function close(path: string): void {
    const file = open.get(path);
    if (!file) return;
    open.delete(path);
    file.dispose();
    const next = tabs.remove(path);
    if (next) activate(next);
    else {
      active = null;
      emptyState.hidden = false;
      tree.setActive(null);
      statusBar.setDocument(null);
      statusBar.setCursor(null);
      statusBar.setLanguage(null);
      presence.watch(null);
      comments.attach(null);
      navigate({ name: "ide", projectId, path: null }, true);
    }
  }

  function closeUnder(path: string, why: string): void {
    for (const p of [...open.keys()]) {
      if (p === path || p.startsWith(path + "/")) {
        close(p);
        toast(`${p} was ${why}.`);
      }
    }
  }

  /** The browser copy of a document that no longer exists must not resurrect old text in a new file of that name. */
  function forgetLocalCopy(path: string): void {
    indexedDB.deleteDatabase(indexedDbName(`${projectId}/${path.replace(/^\/+/, "")}`));
  }

  async function createFile(dir: string): Promise<void> {
    const name = await prompt({ title: "New file", label: `In ${dir}`, placeholder: "e.g. src/components/Button.tsx", okText: "Create", validate: validName });
    if (!name) return;
    const path = join(dir, name);
    try {
      forgetLocalCopy(path);
      await ctx.api.writeFile(projectId, path, new Uint8Array());
      await loadTree();
      await openFile(path);
    } catch (e) {
      toast(`Could not create ${path}: ${messageOf(e)}`, "error");
    }
  }

  async function createFolder(dir: string): Promise<void> {
    const name = await prompt({ title: "New folder", label: `In ${dir}`, placeholder: "e.g. src/components", okText: "Create", validate: validName });
    if (!name) return;
    try {
      await ctx.api.makeDirectory(projectId, join(dir, name));
      await loadTree();
    } catch (e) {
      toast(`Could not create the folder: ${messageOf(e)}`, "error");
    }
  }

  async function rename(path: string, kind: "file" | "dir"): Promise<void> {
    const current = path.slice(path.lastIndexOf("/") + 1);
    const name = await prompt({ title: `Rename ${kind === "dir" ? "folder" : "file"}`, value: current, okText: "Rename", validate: validName });
    if (!name || name === current) return;
    await moveTo(path, join(parentOf(path), name));
  }

  async function moveTo(from: string, to: string): Promise<void> {
    const wasOpen = [...open.keys()].filter((p) => p === from || p.startsWith(from + "/"));
    try {
      await ctx.api.move(projectId, { from, to });
      for (const p of wasOpen) { close(p); forgetLocalCopy(p); }
      await loadTree();
      for (const p of wasOpen) void openFile(to + p.slice(from.length));
    } catch (e) {
      toast(`Could not move ${from}: ${messageOf(e)}`, "error");
    }
  }

  async function remove(path: string, kind: "file" | "dir"): Promise<void> {
    if (!(await confirm(`Delete ${kind === "dir" ? "folder" : "file"}?`, `${path} will be deleted for everyone in the project.`))) return;
    try {
      await ctx.api.deleteFile(projectId, path);
      for (const p of [...open.keys()]) if (p === path || p.startsWith(path + "/")) close(p);
      forgetLocalCopy(path);
      await loadTree();
    } catch (e) {
      toast(`Could not delete ${path}: ${messageOf(e)}`, "error");
    }
  }

  // ---- profile and keys ----
  const onProfile = (): void => {
    const user = awarenessUser(ctx.profile, ctx.session.pubkey);
    for (const f of open.values()) f.session?.setUser(user);
  };
  window.addEventListener("vibe:profile", onProfile);
  const onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") {
      e.preventDefault();
      const file = active ? open.get(active) : null;
      if (file?.session?.rest) void file.session.rest.flush();
      else toast("Changes are saved automatically.");
    }
  };
  window.addEventListener("keydown", onKey);

  // ---- start ----
  void (async () => {
    try {
      project = await ctx.api.getProject(projectId);
      projectTitle.textContent = project.name;
      document.title = `${project.name} · Vibe`;
      canEdit = project.role === "admin" || project.role === "editor";
      tree.setEditable(canEdit && !project.archived);
      sidebar.querySelector<HTMLElement>(".panel-actions")!.hidden = !(canEdit && !project.archived);
      statusBar.setRole(project.role);
    } catch (e) {
      element.querySelector(".ide-body")?.replaceChildren(h("div.editor-error.centered", null,
        h("strong", null, "This project cannot be opened."), h("div.muted", null, messageOf(e)), h("a.button", { href: "#/" }, icon("back"), "Back to projects")));
      return;
    }
    await loadTree();
    if (initialPath) void openFile(initialPath);
  })();

  return {
    element,
    follow(hash) {
      const route = parseRoute(hash);
      if (route.name !== "ide" || route.projectId !== projectId) return false;
      if (route.path && normalize(route.path) !== active) void openFile(route.path);
      return true;
    },
    dispose() {
      window.removeEventListener("vibe:profile", onProfile);
      window.removeEventListener("keydown", onKey);
      window.clearTimeout(treeTimer);
      for (const f of open.values()) f.dispose();
      open.clear();
      comments.dispose();
      preview.dispose();
      cleanup.forEach((off) => off());
      if (hub.connected) hub.invoke(HubMethods.leaveProject, projectId).catch(() => undefined);
      void hub.dispose();
      document.title = "Vibe";
    },
  };
}
