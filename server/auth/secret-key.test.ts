import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { ConfigError } from "../config.js";
import { checkSecretKey, KEY_FILE, loadSecretKey, parseSecretKey } from "./secret-key.js";
import { putSecret } from "../../services/secrets/workspace-secrets.js";
import { sealWebhookSecret } from "../../services/triggers/webhook-secret.js";

let home: string;
let db: TestDatabase;
beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-key-"));
  db = await createTestDatabase();
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await db?.drop();
});

describe("secrets key", () => {
  it("is generated once into GENJED_HOME with mode 0600 and reused by the next start", async () => {
    const logs: string[] = [];
    const first = await loadSecretKey(home, {}, (m) => logs.push(m));
    expect(first).toHaveLength(32);
    const file = path.join(home, KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logs.join("\n")).toMatch(/Generated the secrets key/);
    const again = await loadSecretKey(home, {}, (m) => logs.push(m));
    expect(again.equals(first)).toBe(true);
    expect((await readFile(file, "utf8")).trim()).toBe(first.toString("base64"));
  });

  it("tightens a key file other users can read", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "genjed-key-"));
    try {
      await writeFile(path.join(dir, KEY_FILE), randomBytes(32).toString("base64"));
      await chmod(path.join(dir, KEY_FILE), 0o644);
      const logs: string[] = [];
      await loadSecretKey(dir, {}, (m) => logs.push(m));
      expect((await stat(path.join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
      expect(logs.join("\n")).toMatch(/readable by other users/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes GENJED_SECRET_KEY as hex, base64 or a long passphrase, and names the variable when it is too short", async () => {
    const raw = randomBytes(32);
    expect((await loadSecretKey(home, { GENJED_SECRET_KEY: raw.toString("hex") })).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString("base64"), "X").equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString("base64url"), "X").equals(raw)).toBe(true);
    const pass = parseSecretKey("a passphrase that is long enough to use!", "X");
    expect(pass).toHaveLength(32);
    expect(parseSecretKey("a passphrase that is long enough to use!", "X").equals(pass)).toBe(true);
    await expect(loadSecretKey(home, { GENJED_SECRET_KEY: "short" })).rejects.toThrow(/GENJED_SECRET_KEY must be 32 bytes/);
    await expect(loadSecretKey(home, { GENJED_SECRET_KEY: "short" })).rejects.toBeInstanceOf(ConfigError);
  });

  it("refuses to start with a different key once secrets are stored under the first", async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    await checkSecretKey(db.sql, k1);
    await checkSecretKey(db.sql, k1);
    // No secrets yet: a new key simply replaces the old one.
    await checkSecretKey(db.sql, k2);
    const [ws] = await db.sql<{ id: string }[]>`select id from workspaces where is_default`;
    await putSecret(db.sql, k2, { workspaceId: ws.id, name: "TOKEN", value: "value-under-k2", userId: null });
    await expect(checkSecretKey(db.sql, k1)).rejects.toThrow(/not the one the 1 stored workspace secret\(s\) were encrypted with/);
    await checkSecretKey(db.sql, k2);
  });

  it("counts webhook signing secrets too: they are sealed with the same key", async () => {
    const k3 = randomBytes(32);
    await db.sql`delete from workspace_secrets`;
    await checkSecretKey(db.sql, k3);
    const [g] = await db.sql<{ id: string }[]>`insert into graphs (name, document) values ('hooked', '{"nodes":[],"edges":[]}'::jsonb) returning id`;
    const id = randomUUID();
    const s = sealWebhookSecret(k3, id, `whsec_${randomBytes(32).toString("base64url")}`);
    await db.sql`insert into triggers (id, graph_id, name, kind, config, secret_ciphertext, secret_iv, secret_tag, secret_last4)
                 values (${id}, ${g.id}, 'Webhook', 'webhook', '{}'::jsonb, ${s.secretCiphertext}, ${s.secretIv}, ${s.secretTag}, ${s.secretLast4})`;
    await expect(checkSecretKey(db.sql, randomBytes(32))).rejects.toThrow(/not the one the 1 webhook signing secret\(s\) were encrypted with/);
    await checkSecretKey(db.sql, k3);
  });
});
