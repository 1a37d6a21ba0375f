import { Component, useEffect, type ReactNode } from "react";
import { FirstRunPage } from "./auth/FirstRunPage.js";
import { auth, refreshMe } from "./auth/session.js";
import { SignInPage } from "./auth/SignInPage.js";
import { ErrorState, Loading } from "./components/States.js";
import { useStore } from "./lib/store.js";
import { ServerStatus } from "./components/ServerStatus.js";
import { Toasts } from "./components/Toasts.js";
import { useRoute } from "./lib/router.js";
import { CostsPage } from "./pages/CostsPage.js";
import { EditorPage } from "./pages/EditorPage.js";
import { GraphListPage } from "./pages/GraphListPage.js";
import { ReviewsPage } from "./pages/ReviewsPage.js";
import { CalendarPage } from "./calendar/CalendarPage.js";
import { TriggersPage } from "./triggers/TriggersPage.js";

export function App() {
  const status = useStore(auth, (s) => s.status);
  useEffect(() => {
    void refreshMe();
  }, []);
  // A one-time sign-in link (/first-run#token=...) opens its own page, signed in or not.
  if (window.location.pathname === "/first-run") {
    return (
      <FirstRunPage
        onDone={() => {
          window.history.replaceState(null, "", "/#/");
          window.location.reload();
        }}
      />
    );
  }
  if (status === "unknown") return <Loading label="Starting…" />;
  if (status === "unreachable")
    return <ErrorState title="Server unreachable" error={new Error("Cannot reach the Genjed server. Check that it is running (npm start).")} onRetry={() => void refreshMe()} />;
  if (status === "signed-out") return <SignInPage />;
  return <SignedInApp />;
}

function SignedInApp() {
  const route = useRoute();
  return (
    <>
      <ServerStatus />
      <ErrorBoundary key={route.page + ("graphId" in route ? route.graphId : "")}>
        {route.page === "editor" ? (
          <EditorPage graphId={route.graphId} runId={route.runId} />
        ) : route.page === "triggers" ? (
          <TriggersPage graphId={route.graphId} />
        ) : route.page === "calendar" ? (
          <CalendarPage />
        ) : route.page === "reviews" ? (
          <ReviewsPage />
        ) : route.page === "costs" ? (
          <CostsPage />
        ) : (
          <GraphListPage />
        )}
      </ErrorBoundary>
      <Toasts />
    </>
  );
}

/** A bug in one page shows a message with a way out instead of a blank screen. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state state-error page-error" role="alert">
        <div className="state-title">This page hit a problem</div>
        <div className="state-text">{this.state.error.message}</div>
        <div className="state-action">
          <button className="btn" onClick={() => this.setState({ error: null })}>
            Try again
          </button>{" "}
          <a className="btn btn-ghost" href="#/">
            Back to graphs
          </a>
        </div>
      </div>
    );
  }
}
