// The app header: brand, optional breadcrumb, theme switch and the user's menu (name, colour, key, sign out).
import type { AppContext } from "../app-context";
import { PALETTE, initials } from "../auth/profile";
import { toNpub, toNsec } from "../auth/keys";
import { h, icon } from "../ui/dom";
import { prompt } from "../ui/dialog";
import { toast } from "../ui/toast";
import { currentTheme, toggleTheme } from "../ui/theme";

export function renderTopBar(ctx: AppContext, ...middle: (Node | null)[]): HTMLElement {
  const avatar = h("button.avatar.me", { type: "button", title: "Your profile", style: { background: ctx.profile.color } }, initials(ctx.profile.name));
  const themeButton = h("button.icon-button", { type: "button", title: "Switch theme", "aria-label": "Switch theme" },
    icon(currentTheme() === "dark" ? "sun" : "moon"));
  themeButton.addEventListener("click", () => themeButton.replaceChildren(icon(toggleTheme() === "dark" ? "sun" : "moon")));

  const menu = h("div.menu", { hidden: true });
  const buildMenu = (): void => {
    menu.replaceChildren(
      h("div.menu-header", null, h("strong", null, ctx.profile.name), h("div.mono.small.muted", null, toNpub(ctx.session.pubkey).slice(0, 24) + "…")),
      h("button.menu-item", { type: "button", onclick: rename }, icon("edit"), "Change name"),
      h("div.menu-colors", null, PALETTE.map((c) =>
        h("button.swatch", { type: "button", title: c, style: { background: c }, class: c === ctx.profile.color ? "selected" : "",
          onclick: () => { ctx.setProfile({ ...ctx.profile, color: c }); avatar.style.background = c; buildMenu(); } }))),
      h("button.menu-item", { type: "button", onclick: copyNpub }, icon("file"), "Copy npub"),
      h("button.menu-item", { type: "button", onclick: copyNsec }, icon("key"), "Copy secret key (nsec)"),
      h("button.menu-item.danger", { type: "button", onclick: () => ctx.signOut() }, icon("logout"), "Sign out"));
  };
  const rename = async (): Promise<void> => {
    menu.hidden = true;
    const name = await prompt({ title: "Display name", value: ctx.profile.name, okText: "Save" });
    if (name) { ctx.setProfile({ ...ctx.profile, name }); avatar.textContent = initials(name); buildMenu(); }
  };
  const copyNpub = async (): Promise<void> => { await navigator.clipboard?.writeText(toNpub(ctx.session.pubkey)); toast("npub copied"); menu.hidden = true; };
  const copyNsec = async (): Promise<void> => { await navigator.clipboard?.writeText(toNsec(ctx.session.key)); toast("Secret key copied — keep it private"); menu.hidden = true; };
  avatar.addEventListener("click", (e) => { e.stopPropagation(); buildMenu(); menu.hidden = !menu.hidden; });
  document.addEventListener("click", (e) => { if (!menu.contains(e.target as Node)) menu.hidden = true; });

  return h("header.top-bar", null,
    h("a.brand", { href: "#/" }, h("span.brand-mark", null, "◆"), h("span", null, "Vibe")),
    h("div.top-bar-middle", null, ...middle),
    h("div.top-bar-right", null, themeButton, h("div.menu-anchor", null, avatar, menu)));
}
