/**
 * Workspace secrets end to end: write-only through the API, encrypted at rest, handed to a node
 * through ctx.secrets, and absent from every API response, log line, SSE event and exported graph
 * (everything the test sees or the process prints is captured and searched for the value).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { RunEventHub } from "../../engine/events.js";
import { waitForRun } from "../../engine/runs.js";
import { defineNode } from "../../nodes/contract.js";
import { asSession, createMember, sessionFor, type Requester } from "../../test/auth.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { open, secretAad } from "./secret-box.js";
import { authSettings } from "./settings.js";
import { readWorkspaceSecrets, secretsForRun, workspaceSecretReader } from "../../services/secrets/workspace-secrets.js";

/** A node that does everything careless code does with a credential: logs it, returns it, fails with it. */
const useSecret = defineNode({
  type: "test.useSecret",
  version: 1,
  title: "Use a secret",
  category: "test",
  description: "Reads a secret and misuses it",
  inputs: [{ name: "in", type: "json", required: false }],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({ name: z.string(), fail: z.boolean().default(false) }),
  exampleConfig: { name: "PLATFORM_TOKEN" },
  // The config names the secret: the function form of the declaration.
  secrets: (c) => [c.name],
  cacheable: false,
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config, ctx) {
    const value = ctx.secrets.get(config.name);
    ctx.log(`calling the platform with token ${value}`);
    if (config.fail) throw new Error(`401 Unauthorized: token ${value} was rejected`);
    return { out: { authorization: `Bearer ${value}`, list: [value], [`key-${value}`]: true } };
  },
});

const key = randomBytes(32);
const SECRET = `sk_live_${randomBytes(12).toString("hex")}`;
let engine: TestEngine;
let hub: RunEventHub;
let raw: Hono;
let owner: Requester;
let workspaceId: string;
let mediaRoot: string;

/** Every response body the test receives, and everything the process writes to stdout/stderr. */
const seen: string[] = [];
const printed: string[] = [];
const recording = (r: Requester): Requester => ({
  async request(input, init) {
    const res = await r.request(input, init);
    if (!res.headers.get("content-type")?.includes("text/event-stream")) seen.push(await res.clone().text());
    return res;
  },
});

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  engine = await startTestEngine(testRegistry().register(useSecret), { workers: 0 });
  await engine.startWorker({ secretsFor: secretsForRun(engine.db, key) });
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-secrets-"));
  raw = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings({ secretKey: key }) });
  const o = await createMember(engine.db.sql, "owner");
  workspaceId = o.workspaceId;
  owner = recording(asSession(raw, await sessionFor(engine.db.sql, o)));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await hub?.stop();
  await engine?.stop();
  if (mediaRoot) await rm(mediaRoot, { recursive: true, force: true });
});

const send = (method: string, url: string, body?: unknown) =>
  owner.request(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("the secrets API is write-only", () => {
  it("stores a value encrypted and gives back only its name and last four characters", async () => {
    const put = await send("PUT", `/api/workspaces/${workspaceId}/secrets/PLATFORM_TOKEN`, { value: SECRET });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ name: "PLATFORM_TOKEN", last4: SECRET.slice(-4), updatedAt: expect.any(String), updatedBy: expect.stringMatching(/@test\.local$/) });
    expect((await send("PUT", `/api/workspaces/${workspaceId}/secrets/PLATFORM_TOKEN`, { value: SECRET })).status).toBe(200);
    const list = await (await send("GET", `/api/workspaces/${workspaceId}/secrets`)).json();
    expect(list).toEqual([{ name: "PLATFORM_TOKEN", last4: SECRET.slice(-4), updatedAt: expect.any(String), updatedBy: expect.any(String) }]);

    const [row] = await engine.db.sql<{ ciphertext: Buffer; iv: Buffer; tag: Buffer }[]>`select ciphertext, iv, tag from workspace_secrets where name = 'PLATFORM_TOKEN'`;
    expect(row.ciphertext.toString("latin1")).not.toContain(SECRET);
    expect(row.ciphertext.toString("latin1")).not.toContain(SECRET.slice(8));
    expect(open(key, row, secretAad(workspaceId, "PLATFORM_TOKEN"))).toBe(SECRET);
  });

  it("names what is wrong with a bad name or value; short values show no last four", async () => {
    const badName = await send("PUT", `/api/workspaces/${workspaceId}/secrets/lower-case`, { value: "x" });
    expect(badName.status).toBe(400);
    expect((await badName.json()).error).toMatchObject({ code: "INVALID_SECRET_NAME", message: expect.stringContaining("lower-case") });
    const empty = await send("PUT", `/api/workspaces/${workspaceId}/secrets/EMPTY`, { value: "" });
    expect((await empty.json()).error.message).toMatch(/value: must not be empty/);
    const huge = await send("PUT", `/api/workspaces/${workspaceId}/secrets/HUGE`, { value: "x".repeat(70_000) });
    expect((await huge.json()).error.message).toMatch(/value: must be at most 64 KiB/);
    expect((await (await send("PUT", `/api/workspaces/${workspaceId}/secrets/PIN`, { value: "1234" })).json()).last4).toBeNull();
    expect((await send("DELETE", `/api/workspaces/${workspaceId}/secrets/PIN`)).status).toBe(204);
    expect((await send("DELETE", `/api/workspaces/${workspaceId}/secrets/PIN`)).status).toBe(404);
  });

  it("refuses to store secrets on a server without a key (503), rather than storing them unprotected", async () => {
    const keyless = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings() });
    const s = asSession(keyless, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "owner")));
    const r = await s.request(`/api/workspaces/${workspaceId}/secrets/X_TOKEN`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ value: "some value here" }) });
    expect(r.status).toBe(503);
    expect((await r.json()).error.code).toBe("SECRETS_UNAVAILABLE");
  });
});

describe("a secret's value never leaves", () => {
  it("nodes read it through ctx.secrets, yet no API response, log line, SSE event, output, error, exported graph or printed line contains it", async () => {
    const doc = graph(
      [
        // Pasted by hand into a config field: not a ctx.secrets read, still never handed back.
        { id: "pasted", type: "test.const", config: { value: `header: ${SECRET}` } },
        { id: "use", type: "test.useSecret", config: { name: "PLATFORM_TOKEN" } },
        { id: "failing", type: "test.useSecret", config: { name: "PLATFORM_TOKEN", fail: true }, retry: { maxAttempts: 1 } },
      ],
      [["pasted", "out", "use", "in"]],
    );
    const g = await (await send("POST", "/api/graphs", { name: "uses a secret", document: doc })).json();
    const { runId } = await (await send("POST", "/api/runs", { graphId: g.id })).json();

    const events = await owner.request(`/api/runs/${runId}/events`);
    const reader = events.body!.getReader();
    let sse = "";
    const decoder = new TextDecoder();
    while (!/"kind":"run","runId":"[^"]+","status":"(failed|succeeded)"/.test(sse)) {
      const { value, done } = await reader.read();
      if (done) break;
      sse += decoder.decode(value);
    }
    await reader.cancel();
    const run = await waitForRun(engine.db.sql, runId);
    expect(run.status).toBe("failed");

    // The node did get the real value: its output used it (redacted) and the failing node's error names the redaction.
    const view = await (await send("GET", `/api/runs/${runId}`)).json();
    const use = view.nodes.find((n: { nodeId: string }) => n.nodeId === "use");
    expect(use.output).toEqual({ out: { authorization: "Bearer [redacted]", list: ["[redacted]"], "key-[redacted]": true } });
    const failing = view.nodes.find((n: { nodeId: string }) => n.nodeId === "failing");
    expect(failing.error.message).toBe("401 Unauthorized: token [redacted] was rejected");
    expect(view.nodes.find((n: { nodeId: string }) => n.nodeId === "pasted").output).toEqual({ out: "header: [redacted]" });
    const logs = await (await send("GET", `/api/runs/${runId}/logs`)).json();
    expect(logs.map((l: { message: string }) => l.message)).toContain("calling the platform with token [redacted]");
    expect(sse).toContain("[redacted]");

    const exported = await send("GET", `/api/graphs/${g.id}`);
    const exportedText = await exported.clone().text();
    expect(exportedText).toContain("header: [redacted]");
    await send("GET", `/api/graphs/${g.id}/versions`);
    const [version] = await (await send("GET", `/api/graphs/${g.id}/versions`)).json();
    await send("GET", `/api/graphs/${g.id}/versions/${version.id}`);
    await send("GET", "/api/runs");
    await send("GET", "/api/audit");
    await send("GET", `/api/workspaces/${workspaceId}/secrets`);

    // What was stored for the engine's own use is scrubbed too (outputs feed downstream nodes and the cache).
    const stored = await engine.db.sql`
      select (select json_agg(output)::text from node_runs where run_id = ${runId} and node_id <> 'pasted') as outputs,
             (select json_agg(error)::text from node_runs where run_id = ${runId}) as errors,
             (select json_agg(message)::text from node_logs where run_id = ${runId}) as logs,
             (select error::text from runs where id = ${runId}) as run_error,
             (select json_agg(details)::text from audit_log) as audit`;

    const everything = [...seen, sse, exportedText, ...printed, JSON.stringify(stored)];
    expect(everything.length).toBeGreaterThan(15);
    const leaks = everything.filter((t) => t.includes(SECRET) || t.includes(SECRET.slice(8)));
    expect(leaks.map((l) => l.slice(Math.max(0, l.indexOf(SECRET.slice(8)) - 300), l.indexOf(SECRET.slice(8)) + 100))).toEqual([]);
  });

  it("workspace secrets come before the environment, and server settings never come from it", async () => {
    const env = { PLATFORM_TOKEN: "from-env-value", OTHER_TOKEN: "env-only-value", DATABASE_URL: "postgres://u:pw@h/db", PGPASSWORD: "pw", GENJED_SECRET_KEY: "k".repeat(40) };
    const reader = workspaceSecretReader(await readWorkspaceSecrets(engine.db.sql, key, workspaceId), env);
    expect(reader.get("PLATFORM_TOKEN")).toBe(SECRET);
    expect(reader.get("OTHER_TOKEN")).toBe("env-only-value");
    for (const name of ["DATABASE_URL", "PGPASSWORD", "GENJED_SECRET_KEY"]) expect(reader.get(name), name).toBeUndefined();
    expect(reader.get("MISSING")).toBeUndefined();
  });

  it("a secret that no longer decrypts fails the node with a message saying what to do", async () => {
    const wrongKey = workspaceSecretReader(await readWorkspaceSecrets(engine.db.sql, randomBytes(32), workspaceId), {});
    expect(() => wrongKey.get("PLATFORM_TOKEN")).toThrow(/workspace secret "PLATFORM_TOKEN" cannot be decrypted .* an owner must set it again/);
  });
});
