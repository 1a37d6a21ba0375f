import type { ReactNode } from "react";
import { UserMenu } from "../auth/UserMenu.js";
import { hrefOf, type Route } from "../lib/router.js";

const LINKS: { route: Route; label: string }[] = [
  { route: { page: "graphs" }, label: "Graphs" },
  { route: { page: "calendar" }, label: "Calendar" },
  { route: { page: "reviews" }, label: "Review queue" },
  { route: { page: "costs" }, label: "Costs" },
];

export function Logo() {
  return (
    <a className="logo" href="#/" aria-label="Genjed Studio home">
      <span className="logo-mark">G</span>
      <span className="logo-text">Genjed Studio</span>
    </a>
  );
}

export function AppHeader({ current, right }: { current: Route["page"]; right?: ReactNode }) {
  return (
    <header className="app-header">
      <Logo />
      <nav className="app-nav">
        {LINKS.map((l) => (
          <a key={l.label} href={hrefOf(l.route)} className={current === l.route.page ? "active" : ""}>
            {l.label}
          </a>
        ))}
      </nav>
      <div className="spacer" />
      {right}
      <UserMenu />
    </header>
  );
}
