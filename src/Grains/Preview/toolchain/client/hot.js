// import.meta.hot for transformed modules: the subset of Vite's API that plain modules use
// (accept(), accept(cb), dispose(cb), data). The HMR client decides what to re-import.

/** path → { accept: fn[], dispose: fn[], data: object } */
const records = new Map();

export function createHotContext(path) {
  let record = records.get(path);
  if (!record) records.set(path, (record = { accept: [], dispose: [], data: {} }));
  // A module re-imported after an update registers its callbacks afresh.
  record.accept = [];
  record.dispose = [];
  return {
    get data() {
      return record.data;
    },
    accept(deps, callback) {
      if (typeof deps === "function" || deps === undefined) record.accept.push(deps ?? (() => {}));
      else if (typeof callback === "function") record.accept.push(() => callback());
    },
    dispose(callback) {
      if (typeof callback === "function") record.dispose.push(callback);
    },
    prune() {},
    decline() {},
    invalidate() {
      location.reload();
    },
    on() {},
    off() {},
    send() {},
  };
}

/** Runs the old module's dispose callbacks before its new version is imported. */
export async function disposeModule(path) {
  const record = records.get(path);
  if (!record) return;
  for (const callback of record.dispose) await callback(record.data);
}

/** Runs the new module's accept callbacks with the new module. */
export async function acceptModule(path, module) {
  const record = records.get(path);
  if (!record) return;
  for (const callback of record.accept) await callback(module);
}

export function isHotModule(path) {
  return records.has(path);
}
