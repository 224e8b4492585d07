// Fallback when the node has no collaboration hub: the file is loaded over REST into the Y.Doc and saved back
// (debounced PUT) on every local change. No other user's edits arrive in this mode.
import type * as Y from "yjs";
import type { ApiClient } from "../api/client";
import { messageOf } from "../api/errors";
import { Observable } from "./connection-state";

const SAVE_DELAY_MS = 700;
const LOAD_ORIGIN = "rest-load";

export type RestSaveState = "loading" | "saved" | "saving" | "unsaved" | "error";

export class RestDocument {
  readonly state = new Observable<RestSaveState>("loading");
  readonly error = new Observable<string | null>(null);
  private timer: number | undefined;
  private destroyed = false;

  constructor(private readonly api: ApiClient, readonly projectId: string, readonly path: string, readonly doc: Y.Doc) {}

  /** Loads the file; returns its bytes so the caller can decide it is binary after all. */
  async load(): Promise<Uint8Array> {
    const bytes = await this.api.readFile(this.projectId, this.path);
    const text = this.doc.getText("content");
    this.doc.transact(() => {
      text.delete(0, text.length);
      text.insert(0, new TextDecoder().decode(bytes));
    }, LOAD_ORIGIN);
    this.state.set("saved");
    this.doc.on("update", this.onUpdate);
    return bytes;
  }

  /** Saves now (used on tab close and before unload). */
  async flush(): Promise<void> {
    window.clearTimeout(this.timer);
    if (this.state.value !== "unsaved" && this.state.value !== "error") return;
    this.state.set("saving");
    try {
      await this.api.writeFile(this.projectId, this.path, new TextEncoder().encode(this.doc.getText("content").toString()));
      // An edit during the PUT leaves the state "unsaved" and its own timer pending.
      if ((this.state.value as RestSaveState) === "saving") this.state.set("saved");
      this.error.set(null);
    } catch (e) {
      this.state.set("error");
      this.error.set(messageOf(e));
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.doc.off("update", this.onUpdate);
    void this.flush();
  }

  private readonly onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return;
    this.state.set("unsaved");
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  };
}
