// First screen: create a Nostr key or import one; nothing leaves the browser except signed requests.
import { createKey, parseSecret, type NostrKey } from "../auth/keys";
import { h, icon } from "../ui/dom";

export function renderSignIn(onKey: (key: NostrKey, name: string | null) => Promise<void>): HTMLElement {
  const error = h("div.form-error");
  const name = h("input.input", { placeholder: "Display name (e.g. Ada)", autocomplete: "nickname", spellcheck: false });
  const secret = h("input.input.mono", { placeholder: "nsec1… or 64 hex characters", type: "password", autocomplete: "off", spellcheck: false });

  const run = async (button: HTMLButtonElement, key: () => NostrKey): Promise<void> => {
    error.textContent = "";
    button.disabled = true;
    try {
      await onKey(key(), name.value.trim() || null);
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
    } finally {
      button.disabled = false;
    }
  };

  const createButton = h("button.button.primary.wide", { type: "button" }, icon("key"), "Create a new key");
  createButton.addEventListener("click", () => void run(createButton, createKey));
  const importButton = h("button.button.wide", { type: "submit" }, "Sign in with this key");
  const importForm = h("form.stack", {
    onsubmit: (e: Event) => { e.preventDefault(); void run(importButton, () => parseSecret(secret.value)); },
  }, secret, importButton);

  return h("main.sign-in", null,
    h("div.sign-in-card", null,
      h("div.brand.large", null, h("span.brand-mark", null, "◆"), h("span", null, "Vibe")),
      h("p.muted", null, "Build web apps together, live. Your identity is a Nostr key kept in this browser."),
      h("label.field-label", null, "Your name"),
      name,
      createButton,
      h("div.divider", null, h("span", null, "or import an existing key")),
      importForm,
      error,
      h("p.fine-print", null, "Keys never leave this device. Requests are signed with NIP-98.")));
}
