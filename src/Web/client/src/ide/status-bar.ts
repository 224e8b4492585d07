// The bottom line: connection, document state, people, language and cursor.
import type { ConnectionState } from "../collab/connection-state";
import type { DocumentStatus } from "../collab/document-session";
import { h } from "../ui/dom";
import type { CursorInfo } from "./code-editor";

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connected: "Connected",
  connecting: "Connecting…",
  offline: "Offline",
};

export class StatusBar {
  private readonly connection = h("span.status-item.connection", { role: "status" });
  private readonly document = h("span.status-item.doc-status");
  private readonly cursor = h("span.status-item");
  private readonly language = h("span.status-item");
  private readonly role = h("span.status-item.muted");
  readonly element: HTMLElement;

  constructor(people: HTMLElement) {
    this.element = h("footer.status-bar", null,
      this.connection, this.document,
      h("span.status-spacer"),
      people, this.role, this.cursor, this.language);
  }

  setConnection(state: ConnectionState, note?: string): void {
    this.connection.dataset.state = state;
    this.connection.replaceChildren(h("span.dot"), note ?? CONNECTION_LABEL[state]);
    this.connection.title = note ?? `Live collaboration: ${CONNECTION_LABEL[state].toLowerCase()}`;
  }

  setDocument(status: DocumentStatus | null): void {
    this.document.dataset.tone = status?.tone ?? "ok";
    this.document.textContent = status?.text ?? "";
  }

  setCursor(cursor: CursorInfo | null): void {
    this.cursor.textContent = cursor ? `Ln ${cursor.line}, Col ${cursor.column}${cursor.selected ? ` (${cursor.selected} selected)` : ""}` : "";
  }

  setLanguage(language: string | null): void {
    this.language.textContent = language ?? "";
  }

  setRole(role: string | null): void {
    this.role.textContent = role ? role : "";
  }
}
