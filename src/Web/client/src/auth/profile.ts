// The name and colour others see on cursors and avatars; kept per browser, sent in awareness.
import type { AwarenessUser } from "../api-types";

const STORAGE_KEY = "vibe.profile";

export interface Profile {
  name: string;
  color: string;
}

export const PALETTE = ["#e5484d", "#f76b15", "#a16207", "#46a758", "#12a594", "#0090ff", "#6e56cf", "#d6409f"];

export function loadProfile(pubkey: string): Profile {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Profile | null;
    if (stored?.name && /^#[0-9a-f]{6}$/i.test(stored.color)) return stored;
  } catch {
    // fall through to a default derived from the key
  }
  const index = parseInt(pubkey.slice(0, 2), 16) % PALETTE.length;
  return { name: `user-${pubkey.slice(0, 6)}`, color: PALETTE[index]! };
}

export function saveProfile(profile: Profile): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ name: profile.name.trim().slice(0, 40) || "anonymous", color: profile.color }));
}

export function awarenessUser(profile: Profile, pubkey: string): AwarenessUser {
  return { name: profile.name, color: profile.color, colorLight: profile.color + "33", pubkey };
}

export function initials(name: string): string {
  const parts = name.trim().split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}
