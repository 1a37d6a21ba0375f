/**
 * A local stand-in for api.replicate.com, speaking its HTTP API closely enough for the real
 * `replicate` npm client: tests hand its `baseUrl` to the client and exercise our provider end to end
 * without the internet.
 *
 * Covered: POST /v1/predictions (by version), POST /v1/models/{owner}/{name}/predictions (official
 * model route), GET /v1/predictions/{id}, POST /v1/predictions/{id}/cancel, POST /v1/files,
 * `Prefer: wait[=n]`, Bearer auth, problem-details error bodies, 429 with Retry-After, failed and
 * canceled predictions with `error`, tqdm-style `logs`, `metrics.predict_time` (and token counts),
 * and outputs as real files (PNG, MP4, WAV) served by the same server, like replicate.delivery,
 * without auth.
 *
 * Per-test scripting: `fake.script(ref, steps)` queues what the next create requests for a model
 * do; unscripted creates succeed after `durationMs`.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseBody, parsePreferWait, readBody, replyError, send, type HttpFault } from "./replicate-http.js";
import { renderFakeOutput, type FakeOutput } from "./sample-media.js";

export type { FakeOutput, HttpFault };

export type FakeStep =
  /** The create request itself answers with this HTTP status (429 throttled, 4xx invalid, 5xx). */
  | { status: number; retryAfter?: number; detail?: string }
  | {
      status: "succeeded";
      output?: FakeOutput;
      /** Wall time from create to the terminal state. */
      durationMs?: number;
      predictTime?: number;
      metrics?: Record<string, number>;
    }
  | { status: "failed"; error: string; durationMs?: number; predictTime?: number; logs?: string }
  | { status: "canceled"; durationMs?: number }
  /** Keeps processing until someone cancels it. */
  | { status: "hang" };

export interface FakeModelDefaults {
  output: FakeOutput;
  durationMs?: number;
  predictTime?: number;
  metrics?: Record<string, number>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
}

type PredictionStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled";

interface FakePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  status: PredictionStatus;
  step: Exclude<FakeStep, { status: number }>;
  output: unknown;
  error: string | null;
  logs: string;
  metrics?: Record<string, number>;
  waiters: Array<() => void>;
  timers: NodeJS.Timeout[];
}

export interface FakeReplicate {
  baseUrl: string;
  origin: string;
  token: string;
  requests: RecordedRequest[];
  /** Requests for output files (to check the API token is never sent to the file host). */
  fileRequests: RecordedRequest[];
  /** What an unscripted create for `ref` ("owner/name" or "owner/name:version") produces. */
  model(ref: string, defaults: FakeModelDefaults): void;
  /** Queue steps consumed one per create request for `ref`. */
  script(ref: string, steps: FakeStep[]): void;
  /** Answer the next requests matching method + path with these HTTP errors (e.g. 503 on polls), one each. */
  failNext(method: string, path: RegExp, errors: HttpFault[]): void;
  prediction(id: string): Record<string, unknown> | undefined;
  /** Answer the next output-file downloads with these HTTP errors, one each (a flaky file host). */
  failFiles(errors: HttpFault[]): void;
  /** What Replicate's automatic clean-up does an hour after an API prediction: output and logs removed. */
  expire(id: string): void;
  /** How many predictions were created (each one is paid for at Replicate). */
  readonly created: number;
  /** Hold each create request this long before it is processed (a slow network), 0 to stop. */
  holdCreates(ms: number): void;
  /** Files uploaded through POST /v1/files, by id. */
  uploads: Map<string, { bytes: Buffer; contentType: string; name: string }>;
  close(): Promise<void>;
}

interface ModelState {
  name: string;
  version: string;
  defaults?: FakeModelDefaults;
  steps: FakeStep[];
}

const DEFAULT_DURATION_MS = 120;

export async function startFakeReplicate(opts: { token?: string } = {}): Promise<FakeReplicate> {
  const token = opts.token ?? `r8_fake_${randomBytes(12).toString("hex")}`;
  const models = new Map<string, ModelState>(); // by "owner/name"
  const versions = new Map<string, ModelState>(); // by version hash
  const predictions = new Map<string, FakePrediction>();
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  const uploads = new Map<string, { bytes: Buffer; contentType: string; name: string }>();
  const requests: RecordedRequest[] = [];
  const fileRequests: RecordedRequest[] = [];
  const faults: Array<{ method: string; path: RegExp; fault: HttpFault }> = [];
  let origin = "";
  let createHoldMs = 0;
  const fileFaults: HttpFault[] = [];

  function modelState(ref: string): ModelState {
    const [name, version] = ref.split(":");
    let state = models.get(name!);
    if (!state) {
      state = { name: name!, version: version ?? randomBytes(32).toString("hex"), steps: [] };
      models.set(name!, state);
    }
    if (version) {
      state.version = version;
      versions.set(version, state);
    }
    versions.set(state.version, state);
    return state;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, 500, { title: "Internal Server Error", detail: String(err), status: 500 });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      headers: { ...req.headers },
      body: parseBody(raw, req.headers["content-type"]),
      status: 0,
    };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, body, headers);
    };

    if (url.pathname.startsWith("/files/")) {
      fileRequests.push(record);
      if (fileFaults.length) return replyError(reply, fileFaults.shift()!);
      const file = files.get(url.pathname);
      if (!file) return reply(404, { detail: "Not found." });
      record.status = 200;
      res.writeHead(200, { "content-type": file.contentType, "content-length": file.bytes.length });
      res.end(file.bytes);
      return;
    }

    requests.push(record);
    if (req.headers.authorization !== `Bearer ${token}`) {
      return reply(401, { title: "Unauthenticated", detail: "You did not pass a valid authentication token", status: 401 });
    }
    const faultAt = faults.findIndex((f) => f.method === req.method && f.path.test(url.pathname));
    if (faultAt >= 0) {
      return replyError(reply, faults.splice(faultAt, 1)[0]!.fault);
    }

    const modelRoute = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(url.pathname);
    if (req.method === "POST" && (url.pathname === "/v1/predictions" || modelRoute)) {
      if (createHoldMs > 0) await new Promise((r) => setTimeout(r, createHoldMs));
      const body = (record.body ?? {}) as { version?: string; input?: Record<string, unknown> };
      let state: ModelState | undefined;
      if (modelRoute) {
        state = models.get(`${modelRoute[1]}/${modelRoute[2]}`);
        if (!state) return reply(404, { title: "Not found", detail: "The requested resource could not be found.", status: 404 });
      } else {
        state = body.version ? versions.get(body.version) : undefined;
        if (!state) {
          return reply(422, { title: "Invalid version", detail: "Invalid version or not permitted", status: 422 });
        }
      }
      if (typeof body.input !== "object" || body.input === null) {
        return reply(422, { title: "Input validation failed", detail: "input is required", status: 422 });
      }
      const step = state.steps.shift() ?? { status: "succeeded" as const };
      if (typeof step.status === "number") return replyError(reply, step as HttpFault);
      const prediction = createPrediction(state, body.input, step as FakePrediction["step"]);
      const wait = parsePreferWait(req.headers.prefer);
      if (wait !== undefined) await waitFor(prediction, wait * 1000, req);
      return reply(201, serialize(prediction));
    }

    const get = /^\/v1\/predictions\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && get) {
      const prediction = predictions.get(get[1]!);
      if (!prediction) return reply(404, { title: "Not found", detail: "Not found.", status: 404 });
      return reply(200, serialize(prediction));
    }

    const cancel = /^\/v1\/predictions\/([^/]+)\/cancel$/.exec(url.pathname);
    if (req.method === "POST" && cancel) {
      const prediction = predictions.get(cancel[1]!);
      if (!prediction) return reply(404, { title: "Not found", detail: "Not found.", status: 404 });
      if (!isTerminal(prediction.status)) finish(prediction, "canceled");
      return reply(200, serialize(prediction));
    }

    if (req.method === "POST" && url.pathname === "/v1/files") {
      const form = await new Request(`${origin}/`, {
        method: "POST",
        headers: { "content-type": String(req.headers["content-type"]) },
        body: new Uint8Array(raw),
      }).formData();
      const content = form.get("content");
      if (!(content instanceof Blob)) return reply(422, { detail: "content is required", status: 422 });
      const id = randomBytes(12).toString("hex");
      const name = content instanceof File ? content.name : id;
      uploads.set(id, { bytes: Buffer.from(await content.arrayBuffer()), contentType: content.type, name });
      return reply(201, {
        id,
        name,
        content_type: content.type || "application/octet-stream",
        size: content.size,
        etag: id,
        checksums: {},
        metadata: {},
        created_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        urls: { get: `${origin}/v1/files/${id}` },
      });
    }

    return reply(404, { title: "Not found", detail: `No route for ${req.method} ${url.pathname}`, status: 404 });
  }

  function createPrediction(state: ModelState, input: Record<string, unknown>, step: FakePrediction["step"]): FakePrediction {
    const prediction: FakePrediction = {
      id: randomBytes(13).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "x"),
      model: state.name,
      version: state.version,
      input,
      createdAt: new Date(),
      status: "starting",
      step,
      output: null,
      error: null,
      logs: "",
      waiters: [],
      timers: [],
    };
    predictions.set(prediction.id, prediction);
    const total = step.status === "hang" ? Infinity : (step.durationMs ?? state.defaults?.durationMs ?? DEFAULT_DURATION_MS);
    // Status moves like the real thing: starting -> processing (with growing tqdm logs) -> terminal.
    prediction.timers.push(
      setTimeout(() => {
        if (isTerminal(prediction.status)) return;
        prediction.status = "processing";
        prediction.startedAt = new Date();
        notify(prediction);
      }, Math.min(20, total / 4)),
    );
    if (Number.isFinite(total)) {
      for (const pct of [25, 50, 75]) {
        prediction.timers.push(
          setTimeout(() => {
            if (isTerminal(prediction.status)) return;
            prediction.logs += `${String(pct).padStart(3)}%|${"█".repeat(pct / 10)}${" ".repeat(10 - pct / 10)}| ${pct / 25}/4 [00:01<00:01, 2.00it/s]\n`;
          }, (total * pct) / 100),
        );
      }
      prediction.timers.push(
        setTimeout(() => {
          settle(state, prediction).catch((err: unknown) => {
            prediction.error = `fake could not render output: ${String(err)}`;
            finish(prediction, "failed");
          });
        }, total),
      );
    }
    return prediction;
  }

  async function settle(state: ModelState, prediction: FakePrediction) {
    if (isTerminal(prediction.status)) return;
    const step = prediction.step;
    if (step.status === "failed") {
      prediction.error = step.error;
      if (step.logs) prediction.logs += step.logs;
      prediction.metrics = { predict_time: step.predictTime ?? 0.8 };
      return finish(prediction, "failed");
    }
    if (step.status === "canceled" || step.status === "hang") return finish(prediction, "canceled");
    const spec = step.output ?? state.defaults?.output ?? { kind: "image" };
    const seed = [...prediction.id].reduce((a, c) => a + c.charCodeAt(0), 0);
    prediction.output = await renderFakeOutput(spec, seed, (name, bytes, contentType) => {
      const filePath = `/files/${prediction.id}/${name}`;
      files.set(filePath, { bytes, contentType });
      return `${origin}${filePath}`;
    });
    prediction.logs += "100%|██████████| 4/4 [00:02<00:00, 2.00it/s]\n";
    prediction.metrics = {
      predict_time: step.predictTime ?? state.defaults?.predictTime ?? 2.5,
      ...(state.defaults?.metrics ?? {}),
      ...(step.metrics ?? {}),
    };
    finish(prediction, "succeeded");
  }

  function finish(prediction: FakePrediction, status: PredictionStatus) {
    prediction.status = status;
    prediction.completedAt = new Date();
    prediction.startedAt ??= prediction.completedAt;
    for (const t of prediction.timers) clearTimeout(t);
    notify(prediction);
  }

  function notify(prediction: FakePrediction) {
    const waiters = prediction.waiters.splice(0);
    for (const w of waiters) w();
  }

  function waitFor(prediction: FakePrediction, ms: number, req: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const deadline = setTimeout(done, ms);
      // The client gave up (aborted): stop holding the request open.
      req.socket.once("close", done);
      function check() {
        if (isTerminal(prediction.status)) done();
        else prediction.waiters.push(check);
      }
      function done() {
        clearTimeout(deadline);
        req.socket.off("close", done);
        resolve();
      }
      check();
    });
  }

  function serialize(p: FakePrediction): Record<string, unknown> {
    return {
      id: p.id,
      model: p.model,
      version: p.version,
      input: p.input,
      logs: p.logs,
      output: isTerminal(p.status) ? p.output : null,
      data_removed: false,
      error: p.error,
      status: p.status,
      source: "api",
      created_at: p.createdAt.toISOString(),
      started_at: p.startedAt?.toISOString() ?? null,
      completed_at: p.completedAt?.toISOString() ?? null,
      urls: {
        get: `${origin}/v1/predictions/${p.id}`,
        cancel: `${origin}/v1/predictions/${p.id}/cancel`,
        web: `${origin}/p/${p.id}`,
      },
      ...(p.metrics ? { metrics: p.metrics } : {}),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: `${origin}/v1`,
    origin,
    token,
    requests,
    fileRequests,
    uploads,
    model(ref, defaults) {
      modelState(ref).defaults = defaults;
    },
    script(ref, steps) {
      modelState(ref).steps.push(...steps);
    },
    failNext(method, path, errors) {
      for (const fault of errors) faults.push({ method: method.toUpperCase(), path, fault });
    },
    failFiles(errors) {
      fileFaults.push(...errors);
    },
    prediction(id) {
      const p = predictions.get(id);
      return p ? serialize(p) : undefined;
    },
    expire(id) {
      const p = predictions.get(id);
      if (!p) throw new Error(`no prediction ${id}`);
      p.output = null;
      p.logs = "";
    },
    get created() {
      return predictions.size;
    },
    holdCreates(ms) {
      createHoldMs = ms;
    },
    close() {
      for (const p of predictions.values()) for (const t of p.timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function isTerminal(status: PredictionStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "canceled";
}
