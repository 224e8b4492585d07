// One SignalR connection per open project to /hubs/collab (MessagePack), kept alive across network loss.
import {
  HttpError, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel, type IRetryPolicy, type RetryContext,
} from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import type { Session } from "../auth/session";
import { HubEvents } from "../api-types";
import { backoffDelay } from "./backoff";
import { Observable, type ConnectionState } from "./connection-state";

/** SignalR gives up after this many automatic retries; our restart loop then takes over, forever. */
const AUTOMATIC_RETRIES = 8;

const retryPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds: (context: RetryContext) =>
    context.previousRetryCount >= AUTOMATIC_RETRIES ? null : backoffDelay(context.previousRetryCount),
};

/** Negotiation failures are wrapped in a plain Error by the SignalR client; the status survives only in the text. */
function isMissingHub(error: unknown): boolean {
  if (error instanceof HttpError) return error.statusCode === 404;
  return error instanceof Error && /Status code '404'/.test(error.message);
}

/**
 * MessagePack maps keep the server's property names (PascalCase unless the server asks for camelCase), and a
 * .NET DateTimeOffset arrives as [Date, offsetMinutes]; records are normalised here so api-types.ts holds.
 */
export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array || value instanceof Date) return value;
  if (Array.isArray(value)) {
    if (value.length === 2 && value[0] instanceof Date && typeof value[1] === "number") return value[0];
    return value.map(fromWire);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key.charAt(0).toLowerCase() + key.slice(1)] = fromWire(v);
  return out;
}

type Handler = (...args: never[]) => void;

export class CollabHub {
  readonly state = new Observable<ConnectionState>("connecting");
  /** false once the server answered that there is no hub at all (an older node): the IDE falls back to REST. */
  readonly available = new Observable<boolean | null>(null);
  private readonly connection: HubConnection;
  private readonly reconnectedListeners = new Set<() => void>();
  private stopped = false;
  private restartTimer: number | undefined;
  private firstStart: Promise<void> | null = null;

  constructor(session: Session, url = "/hubs/collab") {
    this.connection = new HubConnectionBuilder()
      .withUrl(url, { accessTokenFactory: () => session.token() })
      .withHubProtocol(new MessagePackHubProtocol())
      .withAutomaticReconnect(retryPolicy)
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection.onreconnecting(() => this.state.set("connecting"));
    this.connection.onreconnected(() => {
      this.state.set("connected");
      for (const listener of [...this.reconnectedListeners]) listener();
    });
    this.connection.onclose(() => {
      if (this.stopped) return;
      this.state.set("offline");
      this.scheduleRestart(0);
    });
    window.addEventListener("online", this.onOnline);
  }

  /** Resolves after the first connection attempt, connected or not (later attempts continue in the background). */
  start(): Promise<void> {
    this.firstStart ??= this.tryStart(0);
    return this.firstStart;
  }

  get connected(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  on(event: (typeof HubEvents)[keyof typeof HubEvents], handler: Handler): () => void {
    const wrapped = (...args: unknown[]): void => (handler as (...a: unknown[]) => void)(...args.map(fromWire));
    this.connection.on(event, wrapped);
    return () => this.connection.off(event, wrapped);
  }

  /** Called after every successful (re)connection, so projects and documents can join again and re-sync. */
  onConnected(listener: () => void): () => void {
    this.reconnectedListeners.add(listener);
    return () => this.reconnectedListeners.delete(listener);
  }

  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.connection.invoke<T>(method, ...args).then((result) => fromWire(result) as T);
  }

  /** Fire-and-forget frames are dropped while disconnected: the re-sync after reconnecting carries them. */
  send(method: string, ...args: unknown[]): void {
    if (!this.connected) return;
    this.connection.send(method, ...args).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    window.clearTimeout(this.restartTimer);
    window.removeEventListener("online", this.onOnline);
    this.reconnectedListeners.clear();
    await this.connection.stop().catch(() => undefined);
  }

  private readonly onOnline = (): void => {
    if (!this.stopped && this.connection.state === HubConnectionState.Disconnected) this.scheduleRestart(0, 0);
  };

  private async tryStart(attempt: number): Promise<void> {
    if (this.stopped || this.connection.state !== HubConnectionState.Disconnected) return;
    this.state.set("connecting");
    try {
      await this.connection.start();
      this.available.set(true);
      this.state.set("connected");
      // Everything that waited for a connection (or lost it) joins again and re-syncs.
      for (const listener of [...this.reconnectedListeners]) listener();
    } catch (error) {
      if (isMissingHub(error)) {
        this.available.set(false);
        this.state.set("offline");
        return;
      }
      this.state.set("offline");
      this.scheduleRestart(attempt + 1);
    }
  }

  private scheduleRestart(attempt: number, delay = backoffDelay(attempt)): void {
    window.clearTimeout(this.restartTimer);
    this.restartTimer = window.setTimeout(() => void this.tryStart(attempt), delay);
  }
}
