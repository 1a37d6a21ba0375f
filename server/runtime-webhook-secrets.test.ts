/** Starting the runtime seals webhook secrets an earlier version stored as plain text, with the key it loads. */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWebhookSecret } from "../services/triggers/webhook-secret.js";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { loadSecretKey } from "./auth/secret-key.js";
import { startRuntime } from "./runtime.js";

let db: TestDatabase;
let home: string;
beforeAll(async () => {
  db = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-runtime-"));
});
afterAll(async () => {
  await db?.drop();
  await rm(home, { recursive: true, force: true });
});

describe("runtime start", () => {
  it("encrypts plain-text webhook secrets left by an earlier version before serving", async () => {
    const [g] = await db.sql<{ id: string }[]>`insert into graphs (name, document) values ('hooked', '{"nodes":[],"edges":[]}'::jsonb) returning id`;
    const id = randomUUID();
    const legacy = `whsec_${randomBytes(32).toString("base64url")}`;
    await db.sql`insert into triggers (id, graph_id, name, kind, config, secret) values (${id}, ${g.id}, 'Webhook', 'webhook', '{}'::jsonb, ${legacy})`;

    const logs: string[] = [];
    const env = { ...process.env };
    delete process.env.GENJED_SECRET_KEY;
    try {
      const runtime = await startRuntime({
        config: { home, databaseUrl: db.url, port: 0, host: "127.0.0.1", concurrency: 1 },
        server: false,
        worker: false,
        scheduler: false,
        log: (m) => logs.push(m),
      });
      await runtime.stop();
    } finally {
      process.env = env;
    }
    expect(logs.join("\n")).toMatch(/Encrypted 1 webhook signing secret\(s\) stored as plain text/);
    const [row] = await db.sql<{ id: string; secret: string | null; secretCiphertext: Buffer; secretIv: Buffer; secretTag: Buffer; secretLast4: string }[]>`
      select id, secret, secret_ciphertext as "secretCiphertext", secret_iv as "secretIv", secret_tag as "secretTag", secret_last4 as "secretLast4" from triggers where id = ${id}`;
    expect(row.secret).toBeNull();
    expect(row.secretLast4).toBe(legacy.slice(-4));
    // Sealed with the key the runtime generated into GENJED_HOME.
    expect(openWebhookSecret(await loadSecretKey(home, {}), row)).toBe(legacy);
  });
});
