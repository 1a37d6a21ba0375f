import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { asSession, createMember, createTestWorkspace, sessionFor, withHeaders, type Requester } from "../../test/auth.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { makeMp4, makePng } from "../../test/fakes/sample-media.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import type { UploadView } from "../../schemas/uploads.js";
import { createApp } from "../app.js";
import type { ServerDeps } from "../deps.js";
import { uploadFeatureWith, uploadSettings, type UploadSettings } from "./uploads.js";

let engine: TestEngine;
let hub: RunEventHub;
let deps: ServerDeps;
let tempRoot: string;
let settings: UploadSettings;
let owner: Requester;
let other: Requester;
let viewer: Requester;
let reviewer: Requester;
let editor: Requester;
let noCsrf: Requester;
let workspaceId: string;
let otherWorkspaceId: string;
let png: Buffer;
let mp4: Buffer;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  deps = { database: engine.db, registry: engine.registry, hub, mediaRoot: path.join(engine.home, "media") };
  tempRoot = await mkdtemp(path.join(os.tmpdir(), "uploads-test-"));
  settings = { maxBytes: 2 * 1024 * 1024, maxFiles: 20, tempRoot };
  const app = createApp(deps, [uploadFeatureWith(settings)]);
  const q = engine.db.sql;
  workspaceId = (await q<{ id: string }[]>`select id from workspaces where is_default`)[0].id;
  const as = async (role: "owner" | "editor" | "viewer" | "reviewer", ws?: string) =>
    asSession(app, await sessionFor(q, await createMember(q, role, { workspaceId: ws })), ws ? { workspaceId: ws } : {});
  owner = await as("owner");
  editor = await as("editor");
  viewer = await as("viewer");
  reviewer = await as("reviewer");
  otherWorkspaceId = await createTestWorkspace(q, "Other studio");
  other = await as("owner", otherWorkspaceId);
  const s = await sessionFor(q, await createMember(q, "owner"));
  noCsrf = withHeaders(app, { cookie: s.cookie });
  png = makePng(64, 48, 7);
  mp4 = await makeMp4({ width: 160, height: 120, durationSec: 1, fps: 10 });
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
});

interface Part {
  name: string;
  bytes: Buffer;
  /** What the client claims; the server never believes it. */
  type?: string;
}

function form(parts: Part[], field = "file"): FormData {
  const f = new FormData();
  for (const p of parts) f.append(field, new Blob([new Uint8Array(p.bytes)], { type: p.type ?? "application/octet-stream" }), p.name);
  return f;
}

const upload = (who: Requester, parts: Part[], field = "file") => who.request("/api/uploads", { method: "POST", body: form(parts, field) });

async function uploadOne(who: Requester, part: Part): Promise<UploadView> {
  const res = await upload(who, [part]);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body.uploads).toHaveLength(1);
  return body.uploads[0];
}

const countUploads = async () => Number((await engine.db.sql<{ n: number }[]>`select count(*)::int as n from uploads`)[0].n);
const tempLeft = async () => readdir(tempRoot);

describe("POST /api/uploads", () => {
  it("stores a PNG by its sha256 in media storage, recorded for the workspace, with a thumbnail and the file name", async () => {
    const u = await uploadOne(owner, { name: "product.png", bytes: png, type: "image/png" });
    const hash = sha256(png);
    expect(u.ref).toBe(`upload:${hash}`);
    expect(u.name).toBe("product.png");
    expect(u.media).toMatchObject({ hash, mime: "image/png", kind: "image", size: png.length, url: `/media/${hash}`, meta: { width: 64, height: 48, name: "product.png" } });
    expect(u.media.thumbnail).toMatch(/^[a-f0-9]{64}$/);
    // The blob is the bytes, under media storage's content address.
    const stored = await readFile(path.join(deps.mediaRoot, hash.slice(0, 2), hash));
    expect(sha256(stored)).toBe(hash);
    const grants = await engine.db.sql`select hash from media_workspaces where workspace_id = ${workspaceId} and hash = any(${[hash, u.media.thumbnail!]}::text[])`;
    expect(grants).toHaveLength(2);
    const [row] = await engine.db.sql`select name, mime, size, uploaded_by from uploads where workspace_id = ${workspaceId} and hash = ${hash}`;
    expect(row).toMatchObject({ name: "product.png", mime: "image/png", size: png.length });
    expect(row.uploaded_by).toBeTruthy();

    const served = await owner.request(`/media/${hash}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await owner.request(`/media/${u.media.thumbnail}`)).status).toBe(200);
    // Another workspace cannot read it, nor see it.
    expect((await other.request(`/media/${hash}`)).status).toBe(404);
    expect((await other.request(`/api/uploads/${hash}`)).status).toBe(404);
    expect((await (await other.request("/api/uploads")).json()).uploads).toEqual([]);
    expect(await tempLeft()).toEqual([]);
  });

  it("sniffs the type from the bytes: MP4 bytes named .png and sent as image/png are video/mp4", async () => {
    const u = await uploadOne(editor, { name: "not-really.png", bytes: mp4, type: "image/png" });
    expect(u.media).toMatchObject({ hash: sha256(mp4), mime: "video/mp4", kind: "video" });
    expect(u.media.meta.durationSec).toBeGreaterThan(0.5);
    expect(u.media.thumbnail).toMatch(/^[a-f0-9]{64}$/);
    const [row] = await engine.db.sql`select mime from uploads where hash = ${sha256(mp4)}`;
    expect(row.mime).toBe("video/mp4");
  });

  it("takes CSV and JSON catalogues as text, after a UTF-8 and shape check", async () => {
    const csv = Buffer.from('sku,title,price\nA1,"Mug, blue",12.5\nA2,Cap,9\n');
    const json = Buffer.from(JSON.stringify({ products: [{ sku: "A1", title: "Mug" }] }));
    const res = await upload(owner, [
      { name: "catalogue.csv", bytes: csv, type: "text/csv" },
      { name: "feed.json", bytes: json, type: "application/octet-stream" },
    ]);
    expect(res.status).toBe(201);
    const { uploads } = (await res.json()) as { uploads: UploadView[] };
    expect(uploads.map((u) => [u.name, u.media.mime, u.media.kind, u.media.hash])).toEqual([
      ["catalogue.csv", "text/csv", "file", sha256(csv)],
      ["feed.json", "application/json", "file", sha256(json)],
    ]);
  });

  it("refuses an unknown binary with 415 naming the file, and stores nothing", async () => {
    const before = await countUploads();
    const junk = Buffer.concat([Buffer.from([0, 1, 2, 3, 0xfe, 0xff]), randomBytes(2000)]);
    const res = await upload(owner, [{ name: "mystery.bin", bytes: junk, type: "image/png" }]);
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body.error.code).toBe("UNSUPPORTED_TYPE");
    expect(body.error.message).toContain('"mystery.bin"');
    expect(await countUploads()).toBe(before);
    expect((await engine.db.sql`select 1 from media where hash = ${sha256(junk)}`).length).toBe(0);
    // Text that is not a catalogue either.
    const prose = await upload(owner, [{ name: "notes.csv", bytes: Buffer.from("a,b\nthis, has, too, many, fields\n") }]);
    expect(prose.status).toBe(415);
    expect(await tempLeft()).toEqual([]);
  });

  it("answers 422 naming the file when the bytes start like a PNG but cannot be read as one, and records nothing", async () => {
    const before = await countUploads();
    const broken = Buffer.concat([makePng(32, 32, 9).subarray(0, 40), randomBytes(200)]);
    const good = makePng(6, 6, 71);
    const res = await upload(owner, [
      { name: "good.png", bytes: good },
      { name: "broken.png", bytes: broken },
    ]);
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toContain('"broken.png"');
    expect(await countUploads()).toBe(before);
    // Neither file is recorded: the good one came in the same request.
    expect((await engine.db.sql`select 1 from media_workspaces where hash = any(${[sha256(broken), sha256(good)]}::text[])`).length).toBe(0);
  });

  it("answers 413 naming the limit from Content-Length alone, before reading the body, leaving no temp file and no row", async () => {
    const before = await countUploads();
    // A small valid body that declares itself too big: only the header can have refused it.
    const req = new Request("http://x/api/uploads", { method: "POST", body: form([{ name: "small.png", bytes: makePng(4, 4, 3) }]) });
    const bytes = Buffer.from(await req.arrayBuffer());
    const res = await owner.request("/api/uploads", {
      method: "POST",
      body: bytes,
      headers: { "content-type": req.headers.get("content-type")!, "content-length": String(settings.maxBytes * 2) },
    });
    expect(res.status).toBe(413);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "TOO_LARGE", details: { limit: settings.maxBytes } });
    expect(body.error.message).toContain(String(settings.maxBytes));
    expect(await countUploads()).toBe(before);
    expect(await tempLeft()).toEqual([]);
  });

  it("answers 413 when a body without Content-Length streams past the limit, and removes the partial temp file", async () => {
    const before = await countUploads();
    const big = makePng(900, 900, 4, true); // noise: ~2.4 MB, over the 2 MiB test limit
    expect(big.length).toBeGreaterThan(settings.maxBytes);
    const req = new Request("http://x/api/uploads", { method: "POST", body: form([{ name: "big.png", bytes: big }]) });
    const bytes = new Uint8Array(await req.arrayBuffer());
    let sent = 0;
    // A stream in 64 KiB chunks, so the server counts while the file is being written.
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent >= bytes.length) return ctl.close();
        ctl.enqueue(bytes.subarray(sent, sent + 65536));
        sent += 65536;
      },
    });
    const res = await owner.request("/api/uploads", {
      method: "POST",
      body: stream,
      headers: { "content-type": req.headers.get("content-type")! },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain("GENJED_UPLOAD_MAX_BYTES");
    // The server stopped reading at the limit instead of draining the whole body.
    expect(sent).toBeLessThan(bytes.length);
    expect(await countUploads()).toBe(before);
    expect(await tempLeft()).toEqual([]);
  });

  it("over a real socket, a file uploads, and a body streaming past the limit gets the 413 answer, not a reset", async () => {
    const s = await sessionFor(engine.db.sql, await createMember(engine.db.sql, "editor"));
    const server = serve({ fetch: createApp(deps, [uploadFeatureWith(settings)]).fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    try {
      const { port } = server.address() as AddressInfo;
      const auth = { cookie: s.cookie, "x-csrf-token": s.csrf };
      const small = makePng(20, 20, 81);
      const ok = await fetch(`http://127.0.0.1:${port}/api/uploads`, { method: "POST", body: form([{ name: "socket.png", bytes: small }]), headers: auth });
      expect(ok.status).toBe(201);
      expect((await ok.json()).uploads[0].media.hash).toBe(sha256(small));
      const big = makePng(900, 900, 5, true);
      const req = new Request("http://x/", { method: "POST", body: form([{ name: "big.png", bytes: big }]) });
      const bytes = new Uint8Array(await req.arrayBuffer());
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (sent >= bytes.length) return ctl.close();
          ctl.enqueue(bytes.subarray(sent, sent + 65536));
          sent += 65536;
        },
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/uploads`, {
        method: "POST",
        body,
        duplex: "half",
        headers: { "content-type": req.headers.get("content-type")!, ...auth },
      } as RequestInit);
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("TOO_LARGE");
      expect(await tempLeft()).toEqual([]);
      // A declared 10 GB body is answered from its header, while the client is still sending.
      const early = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = httpRequest(
          { host: "127.0.0.1", port, method: "POST", path: "/api/uploads", headers: { "content-type": req.headers.get("content-type")!, "content-length": String(10 * 1024 ** 3), ...auth } },
          (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => {
              resolve({ status: res.statusCode ?? 0, body });
              r.destroy();
            });
          },
        );
        r.on("error", reject);
        r.write(bytes.subarray(0, 65536));
      });
      expect(early.status).toBe(413);
      expect(JSON.parse(early.body).error.code).toBe("TOO_LARGE");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("lets editors and owners upload; viewers and reviewers get 403; a cookie without the CSRF header gets 403", async () => {
    const part = { name: "p.png", bytes: makePng(8, 8, 11) };
    expect((await upload(viewer, [part])).status).toBe(403);
    expect((await upload(reviewer, [part])).status).toBe(403);
    const csrf = await upload(noCsrf, [part]);
    expect(csrf.status).toBe(403);
    expect((await csrf.json()).error.code).toBe("CSRF");
    expect((await engine.db.sql`select 1 from uploads where hash = ${sha256(part.bytes)}`).length).toBe(0);
    // Viewers may still list and pick.
    expect((await viewer.request("/api/uploads")).status).toBe(200);
  });

  it("answers 400 naming `file` for multipart with no file part, and 415 for a body that is not multipart", async () => {
    const f = new FormData();
    f.append("note", "hello");
    const res = await owner.request("/api/uploads", { method: "POST", body: f });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('"file"');
    const wrongField = await upload(owner, [{ name: "a.png", bytes: png }], "image");
    expect(wrongField.status).toBe(400);
    expect((await wrongField.json()).error.message).toContain('"file"');
    const json = await owner.request("/api/uploads", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(json.status).toBe(415);
    expect(await tempLeft()).toEqual([]);
  });

  it("writes an audit entry for each upload", async () => {
    const bytes = makePng(10, 10, 21);
    await uploadOne(owner, { name: "audited.png", bytes });
    const [row] = await engine.db.sql`select action, target, details from audit_log where action = 'upload.create' and target = ${sha256(bytes)}`;
    expect(row.details).toMatchObject({ name: "audited.png", mime: "image/png", size: bytes.length });
  });

  it("keeps each workspace's own file name for the same bytes", async () => {
    const bytes = makePng(12, 12, 31);
    await uploadOne(owner, { name: "ours.png", bytes });
    await uploadOne(other, { name: "theirs.png", bytes });
    expect((await (await owner.request(`/api/uploads/${sha256(bytes)}`)).json()).name).toBe("ours.png");
    expect((await (await other.request(`/api/uploads/${sha256(bytes)}`)).json()).media.meta.name).toBe("theirs.png");
  });
});

describe("GET and DELETE /api/uploads", () => {
  it("lists newest first, paged, filtered by kind", async () => {
    const ws = await createTestWorkspace(engine.db.sql, "Lister");
    const q = engine.db.sql;
    const app = createApp(deps, [uploadFeatureWith(settings)]);
    const me = asSession(app, await sessionFor(q, await createMember(q, "editor", { workspaceId: ws })), { workspaceId: ws });
    const a = await uploadOne(me, { name: "one.png", bytes: makePng(5, 5, 41) });
    const b = await uploadOne(me, { name: "two.csv", bytes: Buffer.from("sku\nA\n") });
    const c = await uploadOne(me, { name: "three.png", bytes: makePng(5, 5, 42) });
    const all = await (await me.request("/api/uploads")).json();
    expect(all.uploads.map((u: UploadView) => u.name)).toEqual(["three.png", "two.csv", "one.png"]);
    expect(all.next).toBeNull();
    const page1 = await (await me.request("/api/uploads?limit=2")).json();
    expect(page1.uploads.map((u: UploadView) => u.media.hash)).toEqual([c.media.hash, b.media.hash]);
    expect(page1.next).toBe(2);
    const page2 = await (await me.request(`/api/uploads?limit=2&offset=${page1.next}`)).json();
    expect(page2.uploads.map((u: UploadView) => u.media.hash)).toEqual([a.media.hash]);
    const images = await (await me.request("/api/uploads?kind=image")).json();
    expect(images.uploads.map((u: UploadView) => u.name)).toEqual(["three.png", "one.png"]);
    const files = await (await me.request("/api/uploads?kind=file")).json();
    expect(files.uploads.map((u: UploadView) => u.name)).toEqual(["two.csv"]);
    const bad = await me.request("/api/uploads?kind=spreadsheet");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("kind");
    expect((await me.request("/api/uploads?limit=0")).status).toBe(400);
    // The workspace may be named in the query, as <img> and EventSource do.
    expect((await (await me.request(`/api/uploads?workspace=${ws}&kind=file`)).json()).uploads).toHaveLength(1);
    expect((await me.request("/api/uploads/not-a-hash")).status).toBe(404);
  });

  it("deletes the workspace's record and its read grant; another workspace gets 404; the blob stays", async () => {
    const bytes = makePng(9, 9, 51);
    const u = await uploadOne(owner, { name: "gone.png", bytes });
    expect((await other.request(`/api/uploads/${u.media.hash}`, { method: "DELETE" })).status).toBe(404);
    expect((await viewer.request(`/api/uploads/${u.media.hash}`, { method: "DELETE" })).status).toBe(403);
    expect((await owner.request(`/api/uploads/${u.media.hash}`, { method: "DELETE" })).status).toBe(204);
    expect((await owner.request(`/api/uploads/${u.media.hash}`)).status).toBe(404);
    expect((await owner.request(`/media/${u.media.hash}`)).status).toBe(404);
    expect((await owner.request(`/api/uploads/${u.media.hash}`, { method: "DELETE" })).status).toBe(404);
    expect(sha256(await readFile(path.join(deps.mediaRoot, u.media.hash.slice(0, 2), u.media.hash)))).toBe(u.media.hash);
    const [audit] = await engine.db.sql`select 1 from audit_log where action = 'upload.delete' and target = ${u.media.hash}`;
    expect(audit).toBeTruthy();
  });

  it("keeps the blob readable after delete when a run of the workspace named it in an output", async () => {
    const bytes = makePng(9, 9, 61);
    const u = await uploadOne(owner, { name: "used.png", bytes });
    const run = await engine.run(graph([{ id: "uses", type: "test.const", config: { value: { hash: u.media.hash } } }]));
    expect(run.status).toBe("succeeded");
    expect((await owner.request(`/api/uploads/${u.media.hash}`, { method: "DELETE" })).status).toBe(204);
    expect((await (await owner.request("/api/uploads")).json()).uploads.map((x: UploadView) => x.media.hash)).not.toContain(u.media.hash);
    expect((await owner.request(`/media/${u.media.hash}`)).status).toBe(200);
  });
});

describe("uploadSettings", () => {
  it("reads GENJED_UPLOAD_MAX_BYTES, defaulting to 200 MB, and refuses nonsense", () => {
    expect(uploadSettings({}).maxBytes).toBe(200 * 1024 * 1024);
    expect(uploadSettings({ GENJED_UPLOAD_MAX_BYTES: "1048576" }).maxBytes).toBe(1048576);
    expect(() => uploadSettings({ GENJED_UPLOAD_MAX_BYTES: "lots" })).toThrow(/GENJED_UPLOAD_MAX_BYTES/);
  });
});
