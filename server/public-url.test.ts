/**
 * Issue 10: library links written by a worker process without PORT used http://localhost:4280.
 * The server and every worker now take the public URL from one setting: GENJED_PUBLIC_URL, else
 * what the server recorded when it started (services/public-url.ts). Real runtimes, as `genjed start`
 * and `genjed worker` build them, on one database; the worker's environment has neither PORT nor
 * GENJED_PUBLIC_URL.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunFromDocument, waitForRun } from "../engine/runs.js";
import { createMediaStorage } from "../services/storage.js";
import { publishChannel } from "../nodes/publish-channel/definition.js";
import { videoConstNode } from "../test/publish.js";
import { renderTestVideo } from "../test/test-videos.js";
import type { MediaRef } from "../schemas/index.js";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { ConfigError, readConfig, type Config } from "./config.js";
import { startRuntime } from "./runtime.js";

const registry = testRegistry().register(publishChannel).register(videoConstNode);
let db: TestDatabase;
let home: string;
let video: MediaRef;
const savedEnv = { ...process.env };
const config = (o: Partial<Config>): Config => ({ home, databaseUrl: db.url, port: 0, host: "127.0.0.1", concurrency: 1, ...o });

beforeAll(async () => {
  for (const name of ["PORT", "GENJED_PUBLIC_URL", "GENJED_SECRET_KEY", "GENJED_ADMIN_EMAIL", "GENJED_ADMIN_PASSWORD"]) delete process.env[name];
  db = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-public-url-"));
  const storage = createMediaStorage({ root: path.join(home, "media"), sql: db.sql });
  video = await storage.put({ path: await renderTestVideo(await storage.tempDir(), "vertical", { durationSec: 1 }) }, { mime: "video/mp4", meta: { aspectRatio: "9:16" } });
});
afterAll(async () => {
  process.env = savedEnv;
  await db?.drop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** What `genjed worker` runs with no PORT and no GENJED_PUBLIC_URL: publish one video to the library, return its link. */
async function libraryLinkFromWorker(): Promise<string> {
  const worker = await startRuntime({ config: readConfig({ GENJED_HOME: home, DATABASE_URL: db.url, GENJED_CONCURRENCY: "1" }), server: false, scheduler: false, registry, log: () => {} });
  try {
    const document = graph(
      [
        { id: "video", type: "test.video", config: { value: video } },
        { id: "publish", type: "publish.channel", config: { channels: ["library"], prepare: false, caption: "A lamp" } },
      ],
      [["video", "video", "publish", "video"]],
    );
    const { runId } = await startRunFromDocument(db.sql, registry, { document });
    expect((await waitForRun(db.sql, runId, { timeoutMs: 60_000 })).status).toBe("succeeded");
    const [p] = await db.sql<{ id: string; url: string }[]>`select id, url from publications where run_id = ${runId}`;
    expect(p.url).toMatch(new RegExp(`/library/items/${p.id}$`));
    return p.url;
  } finally {
    await worker.stop();
  }
}

describe("the public URL of library links", () => {
  it("is the server's GENJED_PUBLIC_URL in a worker started without PORT or GENJED_PUBLIC_URL", async () => {
    const server = await startRuntime({ config: config({ publicUrl: "https://studio.example.com" }), worker: false, scheduler: false, registry, log: () => {} });
    try {
      expect(await libraryLinkFromWorker()).toMatch(/^https:\/\/studio\.example\.com\/library\/items\//);
    } finally {
      await server.stop();
    }
  });

  it("is the address the server listens on when no public URL is configured", async () => {
    const server = await startRuntime({ config: config({ port: 0 }), worker: false, scheduler: false, registry, log: () => {} });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).not.toBe("http://127.0.0.1:4280");
      expect(await libraryLinkFromWorker()).toMatch(new RegExp(`^${server.url}/library/items/`));
    } finally {
      await server.stop();
    }
  });

  it("GENJED_PUBLIC_URL is checked where it is read, naming the setting", () => {
    expect(readConfig({ GENJED_PUBLIC_URL: "https://studio.example.com/" }).publicUrl).toBe("https://studio.example.com");
    expect(readConfig({}).publicUrl).toBeNull();
    expect(() => readConfig({ GENJED_PUBLIC_URL: "studio.example.com" })).toThrow(ConfigError);
    expect(() => readConfig({ GENJED_PUBLIC_URL: "ftp://studio.example.com" })).toThrow(/GENJED_PUBLIC_URL must start with http/);
  });
});
