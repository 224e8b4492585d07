// The server session: minted by a NIP-98 signed POST /api/auth/session and renewed the same way before it expires.
import type { SessionResponse } from "../api-types";
import { ApiError, readProblem } from "../api/errors";
import type { NostrKey } from "./keys";
import { nip98Header } from "./nip98";

const STORAGE_KEY = "vibe.session";
/** Renew this long before expiry so a request in flight never carries a token that just lapsed. */
const RENEW_MARGIN_MS = 2 * 60_000;

interface StoredSession extends SessionResponse {
  expiresAtMs: number;
}

export class Session {
  private current: StoredSession | null = null;
  private renewing: Promise<StoredSession> | null = null;
  private timer: number | undefined;

  constructor(readonly key: NostrKey) {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored) {
      try {
        const parsed = JSON.parse(stored) as StoredSession;
        if (parsed.pubkey === key.pubkey && parsed.expiresAtMs - RENEW_MARGIN_MS > Date.now()) this.current = parsed;
      } catch {
        localStorage.removeItem(STORAGE_KEY);
      }
    }
    if (this.current) this.schedule(this.current);
  }

  get pubkey(): string {
    return this.key.pubkey;
  }

  /** A token valid for at least the renewal margin, signing a fresh session if needed. */
  async token(): Promise<string> {
    const current = this.current;
    if (current && current.expiresAtMs - RENEW_MARGIN_MS > Date.now()) return current.token;
    return (await this.renew()).token;
  }

  /** Signs a new session now (also used after a 401 that says the token is stale). */
  renew(): Promise<StoredSession> {
    this.renewing ??= this.signIn().finally(() => (this.renewing = null));
    return this.renewing;
  }

  dispose(): void {
    window.clearTimeout(this.timer);
  }

  static clear(): void {
    localStorage.removeItem(STORAGE_KEY);
  }

  private async signIn(): Promise<StoredSession> {
    const url = new URL("/api/auth/session", location.origin).href;
    const response = await fetch(url, { method: "POST", headers: { Authorization: nip98Header(this.key, url, "POST") } });
    if (!response.ok) throw new ApiError(response.status, await readProblem(response));
    const body = (await response.json()) as SessionResponse;
    const session: StoredSession = { ...body, expiresAtMs: Date.parse(body.expiresAt) };
    this.current = session;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.schedule(session);
    return session;
  }

  private schedule(session: StoredSession): void {
    window.clearTimeout(this.timer);
    const delay = Math.max(5_000, session.expiresAtMs - RENEW_MARGIN_MS - Date.now());
    // A failed background renewal is retried by the next token() call.
    this.timer = window.setTimeout(() => void this.renew().catch(() => undefined), delay);
  }
}
