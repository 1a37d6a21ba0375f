/**
 * Hash routes (#/graphs/ID): the built editor is served as static files, so deep links work
 * without the server knowing the editor's routes.
 */
import { useEffect, useState } from "react";

export type Route =
  | { page: "graphs" }
  | { page: "editor"; graphId: string; runId?: string }
  | { page: "triggers"; graphId: string }
  | { page: "calendar" }
  | { page: "reviews" }
  | { page: "costs" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "graphs" && parts[1] && parts[2] === "triggers") return { page: "triggers", graphId: parts[1] };
  if (parts[0] === "graphs" && parts[1] && parts[2] === "runs" && parts[3]) return { page: "editor", graphId: parts[1], runId: parts[3] };
  if (parts[0] === "graphs" && parts[1]) return { page: "editor", graphId: parts[1] };
  if (parts[0] === "calendar") return { page: "calendar" };
  if (parts[0] === "reviews") return { page: "reviews" };
  if (parts[0] === "costs") return { page: "costs" };
  return { page: "graphs" };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case "editor":
      return `#/graphs/${encodeURIComponent(route.graphId)}${route.runId ? `/runs/${encodeURIComponent(route.runId)}` : ""}`;
    case "triggers":
      return `#/graphs/${encodeURIComponent(route.graphId)}/triggers`;
    case "calendar":
      return "#/calendar";
    case "reviews":
      return "#/reviews";
    case "costs":
      return "#/costs";
    default:
      return "#/";
  }
}

export function navigate(route: Route) {
  window.location.hash = hrefOf(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}
