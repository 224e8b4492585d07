// Modal prompts and confirmations that match the app's look (window.prompt cannot be styled or tested well).
import { h } from "./dom";

export interface PromptOptions {
  title: string;
  label?: string;
  value?: string;
  placeholder?: string;
  okText?: string;
  validate?: (value: string) => string | null;
}

function modal(build: (close: (result: string | null) => void) => HTMLElement): Promise<string | null> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    const backdrop = h("div.modal-backdrop");
    const close = (result: string | null): void => {
      backdrop.remove();
      previous?.focus?.();
      resolve(result);
    };
    backdrop.addEventListener("mousedown", (e) => { if (e.target === backdrop) close(null); });
    backdrop.addEventListener("keydown", (e) => { if (e.key === "Escape") close(null); });
    backdrop.append(build(close));
    document.body.append(backdrop);
    backdrop.querySelector<HTMLElement>("input, textarea, button.primary")?.focus();
  });
}

export function prompt(options: PromptOptions): Promise<string | null> {
  return modal((close) => {
    const input = h("input.input", { value: options.value ?? "", placeholder: options.placeholder ?? "", spellcheck: false });
    const error = h("div.form-error");
    const submit = (e: Event): void => {
      e.preventDefault();
      const value = input.value.trim();
      const problem = options.validate?.(value) ?? (value ? null : "Required.");
      if (problem) { error.textContent = problem; return; }
      close(value);
    };
    const form = h("form.modal", { onsubmit: submit },
      h("h2", null, options.title),
      options.label ? h("label.field-label", null, options.label) : null,
      input, error,
      h("div.modal-actions",
        null,
        h("button.button", { type: "button", onclick: () => close(null) }, "Cancel"),
        h("button.button.primary", { type: "submit" }, options.okText ?? "OK")));
    queueMicrotask(() => { input.focus(); input.select(); });
    return form;
  });
}

export async function confirm(title: string, message: string, okText = "Delete"): Promise<boolean> {
  const result = await modal((close) => h("div.modal",
    null,
    h("h2", null, title),
    h("p.modal-text", null, message),
    h("div.modal-actions", null,
      h("button.button", { type: "button", onclick: () => close(null) }, "Cancel"),
      h("button.button.danger.primary", { type: "button", onclick: () => close("ok") }, okText))));
  return result === "ok";
}
