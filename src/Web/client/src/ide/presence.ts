// Who is here: avatars from the open document's awareness plus the project's presence events.
import type { Awareness } from "y-protocols/awareness";
import type { AwarenessUser, Presence } from "../api-types";
import { initials } from "../auth/profile";
import { h } from "../ui/dom";

interface Person {
  pubkey: string;
  name: string;
  color: string;
  where: string | null;
  here: boolean;
}

export class PresenceList {
  readonly element = h("div.avatars", { "aria-label": "People here" });
  private readonly project = new Map<string, Person>();
  private awareness: Awareness | null = null;
  private readonly listeners = new Set<() => void>();
  /** Names and colours people chose (from awareness) outlive their cursor, so project presence can use them. */
  private readonly chosen = new Map<string, { name: string; color: string }>();

  constructor(private readonly me: string) {}

  /** Names others chose, for comments and tooltips; falls back to a short key. */
  nameOf = (pubkey: string): string => {
    if (pubkey === this.me) return "You";
    return this.people().find((p) => p.pubkey === pubkey)?.name ?? `${pubkey.slice(0, 8)}…`;
  };

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  applyPresence(p: Presence): void {
    if (p.pubkey === this.me) return;
    if (p.kind === "left") this.project.delete(p.pubkey);
    else this.project.set(p.pubkey, { pubkey: p.pubkey, name: p.name, color: p.color, where: p.documentId, here: false });
    this.render();
  }

  watch(awareness: Awareness | null): void {
    this.awareness?.off("change", this.render);
    this.awareness = awareness;
    awareness?.on("change", this.render);
    this.render();
  }

  people(): Person[] {
    const people = new Map([...this.project].map(([k, p]) => [k, { ...p, ...this.chosen.get(k) }]));
    if (this.awareness) {
      for (const [clientId, state] of this.awareness.getStates()) {
        if (clientId === this.awareness.clientID) continue;
        const user = (state as { user?: AwarenessUser }).user;
        if (!user?.pubkey || user.pubkey === this.me) continue;
        this.chosen.set(user.pubkey, { name: user.name, color: user.color });
        people.set(user.pubkey, { pubkey: user.pubkey, name: user.name, color: user.color, where: null, here: true });
      }
    }
    return [...people.values()].sort((a, b) => Number(b.here) - Number(a.here) || a.name.localeCompare(b.name));
  }

  private readonly render = (): void => {
    const people = this.people();
    const shown = people.slice(0, 5);
    this.element.replaceChildren(
      ...shown.map((p) => h("span.avatar", {
        style: { background: p.color },
        class: p.here ? "here" : "",
        title: `${p.name}${p.here ? " — in this file" : p.where ? ` — in ${p.where.slice(p.where.indexOf("/") + 1)}` : ""}`,
      }, initials(p.name))),
    );
    if (people.length > shown.length) {
      this.element.append(h("span.avatar.more", { title: people.slice(5).map((p) => p.name).join(", ") }, `+${people.length - shown.length}`));
    }
    for (const listener of this.listeners) listener();
  };
}
