// React Refresh registration: react-refresh's own Babel plugin run over esbuild's output, so components
// get $RefreshReg$ / $RefreshSig$ calls (hook signatures included: a changed hook list remounts
// instead of keeping mismatched state). Babel loads in the background when the worker starts.

let babel;
let plugin;
const loading = Promise.all([import("@babel/core"), import("react-refresh/babel")]).then(([core, refresh]) => {
  babel = core;
  plugin = refresh.default ?? refresh;
});
loading.catch(() => {});

/** Cheap test before paying for Babel: a refresh boundary has a capitalised binding or a hook call. */
export function mayHaveComponents(code) {
  return /\b(?:function\s+[A-Z]|(?:const|let|var)\s+[A-Z]|use[A-Z])/.test(code);
}

/**
 * Adds the registrations. Returns the new code and map, and the names of the registered components
 * (the ids of $RefreshReg$ calls), or null when there was nothing to register.
 */
export async function registerComponents(code, map, filename) {
  if (!babel) await loading;
  const result = await babel.transformAsync(code, {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: "module",
    plugins: [[plugin, { skipEnvCheck: true }]],
    inputSourceMap: map ?? undefined,
    sourceMaps: map != null,
  });
  if (!result?.code || !/\$Refresh(?:Reg|Sig)\$/.test(result.code)) return null;
  const components = new Set();
  for (const m of result.code.matchAll(/\$RefreshReg\$\([^,]+,\s*"([^"]+)"\)/g)) components.add(m[1]);
  return { code: result.code, map: result.map, components };
}
