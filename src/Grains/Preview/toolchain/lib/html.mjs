// The entry HTML as the preview serves it: the HMR client first in <head> (so React Refresh hooks in
// before React loads), root-absolute src/href moved under the preview root, and inline module scripts
// compiled like a module file (their imports rewritten), so they can import packages and sources too.
import { CompileError } from "./errors.mjs";
import { transformScript } from "./transform.mjs";

export async function transformHtml({ root, code, path: file = "/index.html" }) {
  if (typeof root !== "string" || typeof code !== "string") throw new CompileError('html needs "root" and "code"', null);
  if (typeof file !== "string" || !file.startsWith("/")) throw new CompileError('html\'s "path" is a project path starting with "/"', null);
  const client = `<script type="module" src="${root}/@vibe/client.js"></script>`;
  // Attribute values starting with one "/" (not "//", not already under the root).
  let html = code.replace(/(<[a-zA-Z][^>]*?\s(?:src|href)\s*=\s*)(["']?)\/(?!\/)/g, (whole, before, quote, offset, all) => {
    const rest = all.slice(offset + whole.length - 1);
    if (rest.startsWith(root + "/") || rest === root) return whole;
    return `${before}${quote}${root}/`;
  });

  const { html: compiled, imports, missingDeps } = await compileInlineModules(html, root, file);
  html = compiled;

  const head = /<head\b[^>]*>/i.exec(html);
  if (head) html = html.slice(0, head.index + head[0].length) + client + html.slice(head.index + head[0].length);
  else {
    const top = /<html\b[^>]*>/i.exec(html);
    if (top) html = html.slice(0, top.index + top[0].length) + `<head>${client}</head>` + html.slice(top.index + top[0].length);
    else {
      const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
      const at = doctype ? doctype[0].length : 0;
      html = html.slice(0, at) + client + html.slice(at);
    }
  }
  const answer = { code: html };
  if (imports.length) answer.imports = imports;
  if (missingDeps.length) answer.missingDeps = missingDeps;
  return answer;
}

async function compileInlineModules(html, root, file) {
  const imports = [];
  const missingDeps = new Set();
  const scripts = [...html.matchAll(/(<script\b([^>]*)>)([\s\S]*?)(<\/script\s*>)/gi)]
    .filter((m) => /\btype\s*=\s*["']?module\b/i.test(m[2]) && !/\bsrc\s*=/i.test(m[2]) && m[3].trim());
  if (!scripts.length) return { html, imports, missingDeps: [] };
  let out = "";
  let last = 0;
  for (const m of scripts) {
    const bodyStart = m.index + m[1].length;
    const lineOffset = html.slice(0, bodyStart).split("\n").length - 1;
    let result;
    try {
      result = await transformScript(root, file, m[3], ".js");
    } catch (err) {
      // Place the error in the HTML file, not in the script's own lines.
      if (err instanceof CompileError && err.line > 0) throw new CompileError(err.message, file, err.line + lineOffset, err.column, html);
      throw err;
    }
    imports.push(...result.imports);
    for (const dep of result.missingDeps ?? []) missingDeps.add(dep);
    // An inline script has no file for a source map to point at.
    const code = result.code.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n");
    out += html.slice(last, bodyStart) + "\n" + code.replace(/<\/script/gi, "<\\/script");
    last = bodyStart + m[3].length;
  }
  return { html: out + html.slice(last), imports, missingDeps: [...missingDeps] };
}
