// Binary files get a preview (images) or a short description instead of an editor.
import type { ApiClient } from "../api/client";
import { messageOf } from "../api/errors";
import { h, icon } from "../ui/dom";
import { fileName, isImagePath } from "./languages";

export function renderBinaryView(api: ApiClient, projectId: string, path: string, known?: Uint8Array | null): { element: HTMLElement; dispose(): void } {
  const body = h("div.binary-body", null, h("div.muted", null, "Loading…"));
  const element = h("div.binary-view", null, body);
  let url: string | null = null;
  const show = (bytes: Uint8Array): void => {
    const size = bytes.length < 1024 ? `${bytes.length} bytes` : bytes.length < 1048576 ? `${(bytes.length / 1024).toFixed(1)} KB` : `${(bytes.length / 1048576).toFixed(1)} MB`;
    if (isImagePath(path)) {
      url = URL.createObjectURL(new Blob([bytes as BlobPart]));
      const caption = h("div.muted.small", null, `${fileName(path)} · ${size}`);
      const img = h("img", { src: url, alt: fileName(path) });
      img.addEventListener("load", () => {
        caption.textContent = `${fileName(path)} · ${img.naturalWidth}×${img.naturalHeight} · ${size}`;
        // Icons and sprites are too small to judge at 1:1.
        if (img.naturalWidth > 0 && img.naturalWidth < 96) {
          img.style.width = `${img.naturalWidth * Math.floor(128 / img.naturalWidth)}px`;
          img.style.imageRendering = "pixelated";
        }
      });
      img.addEventListener("error", () => { caption.textContent = `${fileName(path)} · ${size} — the browser cannot decode this image.`; });
      body.replaceChildren(h("div.image-frame", null, img), caption);
    } else {
      body.replaceChildren(icon("file", "icon huge"), h("strong", null, fileName(path)), h("div.muted", null, `Binary file · ${size} — not shown in the editor.`));
    }
  };
  if (known) show(known);
  else api.readFile(projectId, path).then(show, (e) => body.replaceChildren(h("div.form-error", null, messageOf(e))));
  return { element, dispose: () => { if (url) URL.revokeObjectURL(url); } };
}
