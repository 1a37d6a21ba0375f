import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { defaultWorkspaceId } from "../test/auth.js";
import { loadSecretKey } from "./auth/secret-key.js";
import { consumeSignInLink } from "./auth/sign-in-links.js";
import { putSecret } from "../services/secrets/workspace-secrets.js";
import { createUser } from "./auth/users.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const genjed = path.join(root, "bin/genjed.js");

let db: TestDatabase;
let home: string;
beforeAll(async () => {
  db = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-cli-"));
});
afterAll(async () => {
  await db?.drop();
  await rm(home, { recursive: true, force: true });
});

const doc = {
  version: 1,
  name: "cli test",
  nodes: [
    {
      id: "catalog",
      type: "asset.source",
      position: { x: 0, y: 0 },
      config: {
        source: "inline",
        products: [{ id: "p1", name: "Cli Mug", price: 12, currency: "EUR", description: "A mug", images: ["examples/demo-catalog/images/aurora-bottle.png"] }],
      },
    },
    { id: "prompts", type: "prompt.parse", position: { x: 200, y: 0 }, config: { provider: "local" } },
  ],
  edges: [{ id: "e1", source: "catalog", sourcePort: "products", target: "prompts", targetPort: "product" }],
};

async function genjedCli(args: string[]) {
  try {
    const r = await run(process.execPath, [genjed, ...args], { cwd: root, env: { ...process.env, DATABASE_URL: db.url, GENJED_HOME: home } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("genjed CLI", () => {
  it("validate: ok for a good file, every error with where it is for a bad one", async () => {
    const good = path.join(home, "good.json");
    await writeFile(good, JSON.stringify(doc));
    const ok = await genjedCli(["validate", good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok — 2 nodes/);

    const bad = path.join(home, "bad.json");
    await writeFile(bad, JSON.stringify({ ...doc, nodes: [...doc.nodes, { id: "x", type: "nope", position: { x: 0, y: 0 }, config: {} }], edges: [] }));
    const r = await genjedCli(["validate", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MISSING_INPUT \(node prompts, port product\)/);
    expect(r.stderr).toMatch(/UNKNOWN_NODE_TYPE \(node x\)/);

    const missing = await genjedCli(["validate", path.join(home, "nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: no such file/);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("run --json: prints the final run object and exits 0 when the run succeeds", async () => {
    const file = path.join(home, "run.json");
    await writeFile(file, JSON.stringify(doc));
    const r = await genjedCli(["run", file, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: "succeeded", costUsd: 0 });
    expect(result.nodes.map((n: { nodeId: string; item: string; status: string }) => `${n.nodeId}[${n.item}]:${n.status}`)).toEqual([
      "catalog[]:succeeded",
      "prompts[0]:succeeded",
    ]);
    expect(r.stderr).toMatch(/Run succeeded/);
  });

  it("run --json: a workspace secret's value in the run's name is redacted in what it prints", async () => {
    // The key the CLI itself loads from GENJED_HOME (generated on first use).
    const key = await loadSecretKey(home, {});
    const secret = `sk_cli_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`;
    await putSecret(db.sql, key, { workspaceId: await defaultWorkspaceId(db.sql), name: "CLI_TOKEN", value: secret, userId: null });
    const file = path.join(home, "secret-run.json");
    await writeFile(file, JSON.stringify({ ...doc, name: `launch ${secret}` }));
    const r = await genjedCli(["run", file, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe("launch [redacted]");
    expect(r.stdout + r.stderr).not.toContain(secret);
    await db.sql`delete from workspace_secrets where name = 'CLI_TOKEN'`;
  });

  it("run: exits non-zero when the run fails, and refuses a bad --budget", async () => {
    const file = path.join(home, "fail.json");
    const failing = structuredClone(doc);
    // Loopback is refused by the asset source's private-address guard: the run fails without any traffic.
    (failing.nodes[0].config as { products: { images: string[] }[] }).products[0].images = ["http://127.0.0.1:9/missing.png"];
    await writeFile(file, JSON.stringify(failing));
    const r = await genjedCli(["run", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Run failed/);
    expect(r.stdout).toMatch(/✗ catalog: /);
    const budget = await genjedCli(["run", file, "--budget", "lots"]);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--budget must be a number/);
  });

  it("sign-in-link: prints a working one-time link for an existing account, replacing the previous one, and audits it", async () => {
    const user = await createUser(db.sql, { email: "Lost.Password@Example.com", name: "Lost" });
    const first = await genjedCli(["sign-in-link", "lost.password@example.com"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^http:\/\/[^/\s]+\/first-run#token=[A-Za-z0-9_-]{43}\n$/);
    expect(first.stderr).toMatch(/One-time sign-in link for lost\.password@example\.com, valid for 7 days/);

    const second = await genjedCli(["sign-in-link", "LOST.password@example.com", "--url", "https://studio.example.com/"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^https:\/\/studio\.example\.com\/first-run#token=[A-Za-z0-9_-]{43}\n$/);
    const tokenOf = (out: string) => out.trim().split("#token=")[1];
    // The newer link is the one that works; it signs in as the account, once.
    expect(await consumeSignInLink(db.sql, tokenOf(first.stdout))).toBeNull();
    expect(await consumeSignInLink(db.sql, tokenOf(second.stdout))).toBe(user.id);
    expect(await consumeSignInLink(db.sql, tokenOf(second.stdout))).toBeNull();

    const audit = await db.sql<{ actor: string; target: string; details: unknown }[]>`
      select actor, target, details from audit_log where action = 'auth.sign_in_link' and user_id = ${user.id} order by id`;
    expect(audit).toEqual([
      { actor: "cli", target: user.id, details: { expiresAt: expect.any(String) } },
      { actor: "cli", target: user.id, details: { expiresAt: expect.any(String) } },
    ]);

    const help = await genjedCli(["help"]);
    expect(help.stdout).toMatch(/sign-in-link EMAIL +print a one-time sign-in link/);
  });

  it("sign-in-link: an unknown address, a missing one and a bad --url are clear one-line errors", async () => {
    const unknown = await genjedCli(["sign-in-link", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr.trim()).toBe("genjed: no account uses nobody@example.com");

    const missing = await genjedCli(["sign-in-link"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^genjed: sign-in-link takes one EMAIL/);

    const badUrl = await genjedCli(["sign-in-link", "nobody@example.com", "--url", "ftp://studio.example.com"]);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr.trim()).toBe('genjed: --url must start with http:// or https:// (got "ftp://studio.example.com")');
  });
});
