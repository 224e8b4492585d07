// Entry point: theme, sign-in or the signed-in app, and hash routing between the projects page and the IDE.
import "./styles/main.css";
import { ApiClient } from "./api/client";
import type { AppContext, Page } from "./app-context";
import { forgetKey, loadKey, saveKey, type NostrKey } from "./auth/keys";
import { loadProfile, saveProfile } from "./auth/profile";
import { Session } from "./auth/session";
import { renderIde } from "./ide/ide-page";
import { renderProjects } from "./pages/projects";
import { renderSignIn } from "./pages/sign-in";
import { parseRoute } from "./router";
import { applyTheme } from "./ui/theme";

const root = document.getElementById("app")!;
let page: Page | null = null;
let context: AppContext | null = null;

function show(next: Page | HTMLElement): void {
  page?.dispose();
  page = next instanceof HTMLElement ? { element: next, dispose: () => undefined } : next;
  root.replaceChildren(page.element);
}

function route(): void {
  if (!context) return;
  const r = parseRoute();
  // Changing only the file inside the same project is handled by the IDE itself.
  if (page?.follow?.(location.hash)) return;
  if (r.name === "ide") {
    show(renderIde(context, r.projectId, r.path));
  } else {
    show(renderProjects(context));
  }
}

function signIn(key: NostrKey): AppContext {
  const session = new Session(key);
  const ctx: AppContext = {
    session,
    api: new ApiClient(session),
    profile: loadProfile(key.pubkey),
    setProfile(profile) {
      saveProfile(profile);
      ctx.profile = loadProfile(key.pubkey);
      window.dispatchEvent(new CustomEvent("vibe:profile"));
      // The server keeps it too, for presence events and other browsers of the same key.
      void ctx.api.setProfile(ctx.profile).catch(() => undefined);
    },
    async syncProfile() {
      const me = await ctx.api.me();
      if (me.name && me.color) {
        if (me.name === ctx.profile.name && me.color === ctx.profile.color) return;
        saveProfile({ name: me.name, color: me.color });
        ctx.profile = loadProfile(key.pubkey);
        window.dispatchEvent(new CustomEvent("vibe:profile"));
      } else {
        await ctx.api.setProfile(ctx.profile);
      }
    },
    signOut() {
      session.dispose();
      Session.clear();
      forgetKey();
      context = null;
      location.hash = "#/";
      showSignIn();
    },
  };
  return ctx;
}

function showSignIn(): void {
  show(renderSignIn(async (key, name) => {
    const ctx = signIn(key);
    await ctx.session.token(); // proves the key works against this server before we keep it
    saveKey(key);
    if (name) ctx.setProfile({ ...ctx.profile, name });
    context = ctx;
    route();
  }));
}

applyTheme();
window.addEventListener("hashchange", route);
const key = loadKey();
if (key) {
  context = signIn(key);
  void context.syncProfile().catch(() => undefined);
  route();
} else {
  showSignIn();
}
