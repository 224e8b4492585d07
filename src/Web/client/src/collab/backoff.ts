// Exponential back-off with jitter, shared by SignalR's automatic reconnect and our own restart loop.
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;

/** Delay before retry number `attempt` (0-based): 0.5 s, 1 s, 2 s, … capped at 30 s, ±20% jitter. */
export function backoffDelay(attempt: number): number {
  const exact = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}
