// What every signed-in page needs: the key's session, the REST client and the user's profile.
import type { ApiClient } from "./api/client";
import type { Profile } from "./auth/profile";
import type { Session } from "./auth/session";

export interface AppContext {
  session: Session;
  api: ApiClient;
  profile: Profile;
  setProfile(profile: Profile): void;
  /** Adopts the profile the server keeps for this key, or gives it the browser's when it has none. */
  syncProfile(): Promise<void>;
  signOut(): void;
}

/** A page renders into its root and cleans up (sockets, timers, editors) when the route changes. */
export interface Page {
  readonly element: HTMLElement;
  /** Lets a page follow a hash change inside itself (another file of the same project) instead of being rebuilt. */
  follow?(hash: string): boolean;
  dispose(): void;
}
