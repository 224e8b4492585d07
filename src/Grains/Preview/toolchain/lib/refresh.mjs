// React Refresh registration: react-refresh's own Babel plugin run over esbuild's output, so components
// get $RefreshReg$ / $RefreshSig$ calls (hook signatures included: a changed hook list remounts
// instead of keeping mismatched state). Babel loads, and warms up, in the background when the worker starts.

let transformAsync;
let plugin;

async function load() {
  let bundle;
  try {
    bundle = await import("../dist/babel-refresh.mjs");
  } catch {
    // Not built (running from a fresh checkout): the same code from node_modules, only slower to load.
    const [core, refresh] = await Promise.all([import("@babel/core"), import("react-refresh/babel")]);
    bundle = { transformAsync: core.transformAsync, refreshPlugin: refresh.default ?? refresh };
  }
  transformAsync = bundle.transformAsync;
  plugin = bundle.refreshPlugin;
  // The first transform compiles Babel's hot paths; pay for it now rather than on the first request.
  await transformAsync("function A() { const [a] = useState(0); return a; }", options("/vibe-warm-up.js", null));
}

const loading = load();
loading.catch((err) => console.error(`[worker] loading Babel failed: ${err?.stack ?? err}`));

function options(filename, map) {
  return {
    filename,
    // No config files of any kind: the project's Babel or browserslist settings are not the preview's.
    babelrc: false,
    configFile: false,
    browserslistConfigFile: false,
    sourceType: "module",
    plugins: [[plugin, { skipEnvCheck: true }]],
    inputSourceMap: map ?? undefined,
    sourceMaps: map != null,
  };
}

/** Cheap test before paying for Babel: a refresh boundary has a capitalised binding or a hook call. */
export function mayHaveComponents(code) {
  return /\b(?:function\s+[A-Z]|(?:const|let|var)\s+[A-Z]|use[A-Z])/.test(code);
}

/**
 * Adds the registrations. Returns the new code and map, and the names of the registered components
 * (the ids of $RefreshReg$ calls), or null when there was nothing to register.
 */
export async function registerComponents(code, map, filename) {
  if (!transformAsync) await loading;
  const result = await transformAsync(code, options(filename, map));
  if (!result?.code || !/\$Refresh(?:Reg|Sig)\$/.test(result.code)) return null;
  const components = new Set();
  for (const m of result.code.matchAll(/\$RefreshReg\$\([^,]+,\s*"([^"]+)"\)/g)) components.add(m[1]);
  return { code: result.code, map: result.map, components };
}
