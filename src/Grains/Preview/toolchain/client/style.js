// CSS imported by a module lives in one <style data-vibe-id="{path}"> that an update replaces in place.

export function updateStyle(id, css) {
  let style = document.querySelector(`style[data-vibe-id="${CSS.escape(id)}"]`);
  if (!style) {
    style = document.createElement("style");
    style.setAttribute("data-vibe-id", id);
    document.head.appendChild(style);
  }
  if (style.textContent !== css) style.textContent = css;
}

export function removeStyle(id) {
  document.querySelector(`style[data-vibe-id="${CSS.escape(id)}"]`)?.remove();
}

/** A stylesheet loaded by <link href>: a new <link> with a cache-buster replaces the old one once loaded. */
export function reloadLink(url, t) {
  const target = new URL(url, location.href).pathname;
  for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
    if (new URL(link.href, location.href).pathname !== target) continue;
    const next = link.cloneNode();
    const href = new URL(link.href, location.href);
    href.searchParams.set("t", String(t));
    next.href = href.pathname + href.search;
    next.addEventListener("load", () => link.remove(), { once: true });
    next.addEventListener("error", () => link.remove(), { once: true });
    link.after(next);
    return true;
  }
  return false;
}
