// The entry HTML as the preview serves it: the HMR client first in <head> (so React Refresh hooks in
// before React loads), and root-absolute src/href moved under the preview root.

export function transformHtml({ root, code }) {
  if (typeof root !== "string" || typeof code !== "string") throw new Error('html needs "root" and "code"');
  const client = `<script type="module" src="${root}/@vibe/client.js"></script>`;
  // Attribute values starting with one "/" (not "//", not already under the root).
  let html = code.replace(/(<[a-zA-Z][^>]*?\s(?:src|href)\s*=\s*)(["']?)\/(?!\/)/g, (whole, before, quote, offset, all) => {
    const rest = all.slice(offset + whole.length - 1);
    if (rest.startsWith(root + "/") || rest === root) return whole;
    return `${before}${quote}${root}/`;
  });
  const head = /<head\b[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + client + html.slice(head.index + head[0].length);
  const top = /<html\b[^>]*>/i.exec(html);
  if (top) return html.slice(0, top.index + top[0].length) + `<head>${client}</head>` + html.slice(top.index + top[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  const at = doctype ? doctype[0].length : 0;
  return html.slice(0, at) + client + html.slice(at);
}
