// The comments side panel for the open file: list, add (anchored to the selection), resolve.
import { EditorView } from "@codemirror/view";
import * as Y from "yjs";
import { HubEvents, HubMethods, type Comment } from "../api-types";
import { messageOf } from "../api/errors";
import type { CollabHub } from "../collab/hub";
import type { DocumentSession } from "../collab/document-session";
import { h, icon } from "../ui/dom";
import { prompt } from "../ui/dialog";
import { toast } from "../ui/toast";
import type { CodeEditor } from "./code-editor";
import { setComments, type PlacedComment } from "./comments-gutter";

const normalizePath = (path: string): string => "/" + path.replace(/^\/+/, "");

export class CommentsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private comments: Comment[] = [];
  private editor: CodeEditor | null = null;
  private session: DocumentSession | null = null;
  private readonly off: (() => void)[] = [];
  private observer: (() => void) | null = null;

  constructor(private readonly hub: CollabHub | null, private readonly projectId: string, private readonly nameOf: (pubkey: string) => string) {
    this.list = h("div.comment-list");
    this.addButton = h("button.button.small", { type: "button", title: "Comment on the selected text", onclick: () => void this.add() }, icon("plus"), "Comment");
    this.element = h("aside.comments-panel", { hidden: true },
      h("div.panel-header", null, h("span", null, "Comments"), this.addButton), this.list);
    if (hub) {
      this.off.push(
        hub.on(HubEvents.commentAdded, ((projectId: string, comment: Comment) => {
          if (projectId !== this.projectId || !this.session || normalizePath(comment.path) !== normalizePath(this.session.path)) return;
          if (!this.comments.some((c) => c.id === comment.id)) this.comments.push(comment);
          this.render();
        }) as never),
        hub.on(HubEvents.commentResolved, ((projectId: string, commentId: string) => {
          if (projectId !== this.projectId) return;
          const c = this.comments.find((x) => x.id === commentId);
          if (c) { c.resolved = true; this.render(); }
        }) as never),
        hub.onConnected(() => void this.reload()),
      );
    }
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  toggle(show = this.element.hidden): void {
    this.element.hidden = !show;
  }

  /** Follows the active editor; null when a binary file or nothing is open. */
  attach(editor: CodeEditor | null): void {
    this.observer?.();
    this.observer = null;
    this.editor = editor;
    this.session = editor?.session ?? null;
    this.comments = [];
    if (this.session) {
      // Anchors resolve only once the text is there, so place them again when the document syncs.
      this.observer = this.session.ready.subscribe((ready) => { if (ready) this.place(); });
    }
    void this.reload();
  }

  focusComment(id: string): void {
    this.toggle(true);
    const el = this.list.querySelector<HTMLElement>(`[data-comment-id="${CSS.escape(id)}"]`);
    el?.scrollIntoView({ block: "nearest" });
    el?.classList.add("flash");
    window.setTimeout(() => el?.classList.remove("flash"), 1200);
  }

  dispose(): void {
    this.observer?.();
    for (const off of this.off) off();
  }

  private async reload(): Promise<void> {
    const session = this.session;
    if (!session || !this.hub?.connected || session.mode !== "collab") { this.render(); return; }
    try {
      const comments = await this.hub.invoke<Comment[]>(HubMethods.listComments, this.projectId, session.path.replace(/^\/+/, ""));
      if (session !== this.session) return;
      this.comments = comments;
    } catch (e) {
      console.warn("ListComments failed", e);
    }
    this.render();
  }

  private async add(): Promise<void> {
    const editor = this.editor;
    const session = this.session;
    if (!editor || !session || !this.hub?.connected || session.mode !== "collab") {
      toast("Comments need the live collaboration connection.", "error");
      return;
    }
    const { from, to } = editor.view.state.selection.main;
    const text = await prompt({ title: "Add a comment", label: from === to ? "On this line" : `On the selected ${to - from} characters`, placeholder: "Say something helpful…", okText: "Comment" });
    if (!text) return;
    const lineStart = from === to ? editor.view.state.doc.lineAt(from).from : from;
    const lineEnd = from === to ? editor.view.state.doc.lineAt(from).to : to;
    const anchor = (index: number, assoc: number): Uint8Array =>
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(session.text, index, assoc));
    try {
      const comment = await this.hub.invoke<Comment>(HubMethods.addComment, this.projectId, session.path.replace(/^\/+/, ""),
        anchor(lineStart, 0), anchor(lineEnd, -1), text);
      if (!this.comments.some((c) => c.id === comment.id)) this.comments.push(comment);
      this.toggle(true);
      this.render();
    } catch (e) {
      toast(`Could not add the comment: ${messageOf(e)}`, "error");
    }
  }

  private async resolve(comment: Comment): Promise<void> {
    try {
      await this.hub?.invoke(HubMethods.resolveComment, this.projectId, comment.id);
      comment.resolved = true;
      this.render();
    } catch (e) {
      toast(`Could not resolve: ${messageOf(e)}`, "error");
    }
  }

  private resolvePosition(bytes: Uint8Array): number | null {
    if (!this.session) return null;
    try {
      const pos = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(bytes), this.session.doc);
      return pos ? pos.index : null;
    } catch {
      return null;
    }
  }

  private place(): void {
    if (!this.editor) return;
    const placed: PlacedComment[] = [];
    for (const c of this.comments) {
      if (c.resolved) continue;
      const from = this.resolvePosition(c.anchorStart);
      const to = this.resolvePosition(c.anchorEnd);
      if (from === null) continue;
      placed.push({ id: c.id, from, to: to ?? from, text: `${this.nameOf(c.author)}: ${c.text}` });
    }
    this.editor.view.dispatch({ effects: setComments.of(placed) });
  }

  private render(): void {
    this.place();
    const open = this.comments.filter((c) => !c.resolved);
    this.addButton.disabled = !this.session || this.session.mode !== "collab";
    if (!this.session) { this.list.replaceChildren(h("div.empty.small", null, "Open a file to see its comments.")); return; }
    if (this.session.mode !== "collab") { this.list.replaceChildren(h("div.empty.small", null, "Comments need live collaboration, which this server does not offer.")); return; }
    if (open.length === 0) { this.list.replaceChildren(h("div.empty.small", null, "No open comments. Select some code and press “Comment”.")); return; }
    this.list.replaceChildren(...open.map((c) => {
      const line = this.lineOf(c);
      return h("div.comment", { dataset: { commentId: c.id } },
        h("div.comment-head", null,
          h("strong", null, this.nameOf(c.author)),
          line ? h("button.link.small", { type: "button", onclick: () => this.reveal(c) }, `line ${line}`) : h("span.muted.small", null, "detached"),
          h("button.icon-button.small", { type: "button", title: "Resolve", onclick: () => void this.resolve(c) }, icon("check"))),
        h("div.comment-text", null, c.text),
        h("div.muted.small", null, new Date(c.createdAt).toLocaleString()));
    }));
  }

  private lineOf(c: Comment): number | null {
    const pos = this.resolvePosition(c.anchorStart);
    if (pos === null || !this.editor) return null;
    return this.editor.view.state.doc.lineAt(Math.min(pos, this.editor.view.state.doc.length)).number;
  }

  private reveal(c: Comment): void {
    const pos = this.resolvePosition(c.anchorStart);
    if (pos === null || !this.editor) return;
    const view = this.editor.view;
    const at = Math.min(pos, view.state.doc.length);
    view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: "center" }) });
    view.focus();
  }
}
