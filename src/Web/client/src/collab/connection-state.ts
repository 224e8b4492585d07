// The three states the status bar shows, and a tiny observable for them.
export type ConnectionState = "connected" | "connecting" | "offline";

export class Observable<T> {
  private readonly listeners = new Set<(value: T) => void>();
  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    if (value === this.current) return;
    this.current = value;
    for (const listener of [...this.listeners]) listener(value);
  }

  /** Calls the listener now and on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }
}
