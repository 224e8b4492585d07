// Hash routes keep the app a single static page: the server needs no fallback route.
export type Route =
  | { name: "projects" }
  | { name: "ide"; projectId: string; path: string | null };

export function parseRoute(hash = location.hash): Route {
  const match = /^#\/p\/([^/?#]+)(\/.*)?$/.exec(hash);
  if (match) return { name: "ide", projectId: decodeURIComponent(match[1]!), path: match[2] ? decodeURI(match[2]) : null };
  return { name: "projects" };
}

export function hrefFor(route: Route): string {
  if (route.name === "ide") return `#/p/${encodeURIComponent(route.projectId)}${route.path ? encodeURI(route.path) : ""}`;
  return "#/";
}

export function navigate(route: Route, replace = false): void {
  const href = hrefFor(route);
  if (replace) history.replaceState(null, "", href);
  else if (location.hash !== href) location.hash = href;
}
