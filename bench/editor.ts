/**
 * Editor benchmarks in headless Chromium against a running server (`genjed start` serving the
 * built editor at `baseUrl`):
 *
 * 1. Frame time while panning a 500-node graph. The browser runs with the frame-rate cap lifted
 *    (no vsync), and the view is panned by one wheel step in every frame, so each interval
 *    between animation frames is the real cost of producing a panned frame. Goal: median < 16 ms.
 * 2. Edit-to-remote-screen latency: person A renames a node, person B (another browser context,
 *    its own y-websocket connection) gets the change painted. Measured from A's edit call to the
 *    first animation frame after B's DOM shows it. Goal: p95 < 50 ms.
 *
 * The server requires sign-in: pass the owner's credentials, or start the server with
 * GENJED_ADMIN_EMAIL / GENJED_ADMIN_PASSWORD set in this process's environment too.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { GraphDocument } from "../schemas/graph.js";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const UNCAPPED = ["--disable-gpu-vsync", "--disable-frame-rate-limit"];
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const round = (v: number) => Math.round(v * 100) / 100;

export interface Credentials {
  email: string;
  password: string;
}

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(baseUrl: string, who: Credentials): Promise<Session> {
  const r = await fetch(`${baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) });
  if (!r.ok) throw new Error(`signing in as ${who.email} failed: ${r.status} ${await r.text()}`);
  const me = (await r.json()) as { csrfToken: string };
  return { cookie: r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "), csrf: me.csrfToken };
}

async function api<T>(baseUrl: string, s: Session, method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { cookie: s.cookie, "x-csrf-token": s.csrf };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(baseUrl + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
  return (r.status === 204 ? undefined : await r.json()) as T;
}

/** A browser context with its own signed-in session (its own cookie, like a second device). */
async function signedInContext(browser: Browser, baseUrl: string, who: Credentials): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const r = await context.request.post(`${baseUrl}/api/auth/login`, { data: who });
  if (!r.ok()) throw new Error(`browser sign-in failed: ${r.status()}`);
  return context;
}

/** A grid of real node types, chained in rows: what a big pipeline looks like. */
async function bigGraph(baseUrl: string, s: Session, count: number): Promise<GraphDocument> {
  const types = (await api(baseUrl, s, "GET", "/api/node-types")) as { type: string; inputs: { name: string; type: string }[]; outputs: { name: string; type: string }[] }[];
  if (!types.length) throw new Error("the server lists no node types");
  const cols = 25;
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `n${i}`,
    type: types[i % types.length].type,
    position: { x: (i % cols) * 300, y: Math.floor(i / cols) * 260 },
    config: {},
  }));
  const edges: GraphDocument["edges"] = [];
  for (let i = 1; i < count; i++) {
    if (i % cols === 0) continue;
    const a = types[(i - 1) % types.length];
    const b = types[i % types.length];
    const out = a.outputs[0];
    const inp = b.inputs.find((p) => p.type === out?.type) ?? b.inputs[0];
    if (out && inp) edges.push({ id: `e${i}`, source: `n${i - 1}`, sourcePort: out.name, target: `n${i}`, targetPort: inp.name });
  }
  return { version: 1, name: `Bench ${count} nodes`, nodes, edges };
}

async function openGraph(page: Page, baseUrl: string, graphId: string) {
  // tsx compiles this file with keepNames, which wraps the in-page functions' inner helpers in
  // __name(...): give the page a no-op one.
  await page.addInitScript({ content: "window.__name = (f) => f;" });
  await page.goto(`${baseUrl}/#/graphs/${graphId}`);
  await page.waitForSelector('[data-testid="connection-status"]:has-text("Live")', { timeout: 60_000 });
  await page.waitForSelector('[data-testid="graph-node"]', { timeout: 60_000 });
}

/** Pan by one wheel step per animation frame for `frames` frames; returns the frame intervals. */
async function panFrames(page: Page, frames: number): Promise<{ intervals: number[]; moved: number; rendered: number }> {
  return page.evaluate(async (n) => {
    const pane = document.querySelector(".react-flow__pane")!;
    const viewport = document.querySelector<HTMLElement>(".react-flow__viewport")!;
    const before = viewport.style.transform;
    let midway = before;
    const intervals: number[] = [];
    let last = 0;
    await new Promise<void>((resolve) => {
      let i = 0;
      const step = (t: number) => {
        if (last) intervals.push(t - last);
        last = t;
        if (i === 15) midway = viewport.style.transform;
        if (i++ >= n) return resolve();
        // Back and forth every 30 frames: the graph stays in view, so every frame has it all to draw.
        const dir = Math.floor((i - 1) / 30) % 2 === 0 ? 1 : -1;
        pane.dispatchEvent(new WheelEvent("wheel", { deltaX: 14 * dir, deltaY: 9 * dir, bubbles: true, cancelable: true, clientX: 700, clientY: 400 }));
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    return { intervals, moved: before !== midway ? 1 : 0, rendered: document.querySelectorAll('[data-testid="graph-node"]').length };
  }, frames);
}

async function measurePanning(browser: Browser, baseUrl: string, who: Credentials, graphId: string) {
  const page = await (await signedInContext(browser, baseUrl, who)).newPage();
  await openGraph(page, baseUrl, graphId);
  // Fit view: all 500 nodes on screen at once, the heaviest case.
  await page.keyboard.press("Shift+1");
  await page.waitForTimeout(800);
  await panFrames(page, 30); // warm-up
  const fit = await panFrames(page, 300);
  // 100% zoom: only the visible part of the graph is rendered.
  await page.evaluate(() => (window as unknown as { __genjed: { commands: { focusNode(id: string): void } } }).__genjed.commands.focusNode("n260"));
  await page.waitForTimeout(800);
  await page.click(".react-flow__pane", { position: { x: 5, y: 5 } });
  await panFrames(page, 30);
  const near = await panFrames(page, 300);
  await page.context().close();
  if (!fit.moved || !near.moved) throw new Error("the view did not pan: the benchmark would measure nothing");
  return { fit, near };
}

async function measureLatency(browser: Browser, baseUrl: string, who: Credentials, graphId: string, rounds: number) {
  const a = await (await signedInContext(browser, baseUrl, who)).newPage();
  const b = await (await signedInContext(browser, baseUrl, who)).newPage();
  await openGraph(a, baseUrl, graphId);
  await openGraph(b, baseUrl, graphId);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const label = `latency ${i}`;
    const seen = b.evaluate(
      (text) =>
        new Promise<number>((resolve) => {
          const done = () => requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
          const hit = () => [...document.querySelectorAll('[data-node-id="n0"] .gnode-title')].some((e) => e.textContent === text);
          if (hit()) return done();
          const obs = new MutationObserver(() => {
            if (hit()) {
              obs.disconnect();
              done();
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        }),
      label,
    );
    await b.waitForTimeout(5);
    const sent = await a.evaluate((text) => {
      const t = performance.timeOrigin + performance.now();
      (window as unknown as { __genjed: { commands: { setLabel(id: string, l: string): void } } }).__genjed.commands.setLabel("n0", text);
      return t;
    }, label);
    samples.push((await seen) - sent);
    await a.waitForTimeout(40);
  }
  await a.context().close();
  await b.context().close();
  return samples;
}

export async function benchEditor(baseUrl: string, owner?: Credentials): Promise<Record<string, number | string>> {
  const who = owner ?? { email: process.env.GENJED_ADMIN_EMAIL ?? "", password: process.env.GENJED_ADMIN_PASSWORD ?? "" };
  if (!who.email || !who.password) throw new Error("benchEditor needs the owner's credentials (argument, or GENJED_ADMIN_EMAIL/GENJED_ADMIN_PASSWORD)");
  const s = await signIn(baseUrl, who);
  const big = await api<{ id: string }>(baseUrl, s, "POST", "/api/graphs", { name: "Bench 500 nodes", document: await bigGraph(baseUrl, s, 500) });
  const small = await api<{ id: string }>(baseUrl, s, "POST", "/api/graphs", { name: "Bench latency", document: await bigGraph(baseUrl, s, 12) });

  const uncapped = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...UNCAPPED] });
  let pan;
  try {
    pan = await measurePanning(uncapped, baseUrl, who, big.id);
  } finally {
    await uncapped.close();
  }
  const normal = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  let latency: number[];
  try {
    latency = await measureLatency(normal, baseUrl, who, small.id, 60);
  } finally {
    await normal.close();
    // Leave the server as it was.
    await api(baseUrl, s, "DELETE", `/api/graphs/${big.id}`).catch(() => undefined);
    await api(baseUrl, s, "DELETE", `/api/graphs/${small.id}`).catch(() => undefined);
  }
  return {
    pan_500_fit_nodes_rendered: pan.fit.rendered,
    pan_500_fit_frame_median_ms: round(pct(pan.fit.intervals, 50)),
    pan_500_fit_frame_p95_ms: round(pct(pan.fit.intervals, 95)),
    pan_500_zoom100_nodes_rendered: pan.near.rendered,
    pan_500_zoom100_frame_median_ms: round(pct(pan.near.intervals, 50)),
    pan_500_zoom100_frame_p95_ms: round(pct(pan.near.intervals, 95)),
    pan_goal: "median < 16 ms",
    remote_edit_latency_p50_ms: round(pct(latency, 50)),
    remote_edit_latency_p95_ms: round(pct(latency, 95)),
    remote_edit_latency_max_ms: round(Math.max(...latency)),
    remote_edit_goal: "p95 < 50 ms",
  };
}
