import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { graphs } from "./schema.js";
import { timestamptzIso } from "./connect.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("timestamps at the database boundary", () => {
  it("raw queries get timestamptz as ISO 8601 UTC text, microseconds kept, whatever the session time zone", async () => {
    const [r] = await db.sql<{ a: unknown; b: unknown; none: unknown; inf: unknown }[]>`
      select '2026-01-31 12:00:00.123456+00'::timestamptz as a, '2026-01-31 17:30:00+05:30'::timestamptz as b,
             null::timestamptz as none, 'infinity'::timestamptz as inf`;
    expect(r).toEqual({ a: "2026-01-31T12:00:00.123456Z", b: "2026-01-31T12:00:00.000000Z", none: null, inf: "infinity" });
    // In a transaction with another session time zone (PostgreSQL then writes other offsets): the same instants.
    await db.sql.begin(async (tx) => {
      await tx`set local time zone 'America/St_Johns'`;
      const [t] = await tx<{ a: string; now: string }[]>`select '2026-01-31 12:00:00.123456+00'::timestamptz as a, now() as now`;
      expect(t.a).toBe("2026-01-31T12:00:00.123456Z");
      expect(t.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    });
  });

  it("a value read and sent back is the same instant (no precision lost)", async () => {
    const [r] = await db.sql<{ t: string }[]>`select '2026-01-31 12:00:00.123456+00'::timestamptz as t`;
    const [same] = await db.sql<{ same: boolean }[]>`select ${r.t}::timestamptz = '2026-01-31 12:00:00.123456+00'::timestamptz as same`;
    expect(same.same).toBe(true);
  });

  it("drizzle's typed queries read the same ISO text as raw queries (one form at the boundary)", async () => {
    const [g] = await db.db.insert(graphs).values({ name: "g", document: { version: 1, name: "g", nodes: [], edges: [] } }).returning();
    const [raw] = await db.sql<{ createdAt: string }[]>`select created_at as "createdAt" from graphs where id = ${g.id}`;
    expect(raw.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(g.createdAt).toBe(raw.createdAt);
    // A select through drizzle, and the text written back through drizzle as a parameter, keep the instant.
    const [read] = await db.db.select({ createdAt: graphs.createdAt }).from(graphs).where(eq(graphs.id, g.id));
    expect(read.createdAt).toBe(raw.createdAt);
    const [back] = await db.db.update(graphs).set({ updatedAt: read.createdAt }).where(eq(graphs.id, g.id)).returning();
    expect(back.updatedAt).toBe(raw.createdAt);
  });

  it("converts every offset form PostgreSQL writes, and leaves what has no ISO form", () => {
    expect(timestamptzIso("2026-01-31 12:00:00+00")).toBe("2026-01-31T12:00:00.000000Z");
    expect(timestamptzIso("2026-01-31 08:29:30.5-03:30")).toBe("2026-01-31T11:59:30.500000Z");
    expect(timestamptzIso("1900-01-01 00:53:28+00:53:28")).toBe("1900-01-01T00:00:00.000000Z");
    expect(timestamptzIso("0044-03-15 12:00:00+00")).toBe("0044-03-15T12:00:00.000000Z");
    expect(timestamptzIso("0044-03-15 12:00:00+00 BC")).toBe("0044-03-15 12:00:00+00 BC");
    expect(timestamptzIso("-infinity")).toBe("-infinity");
    // UTC text (rearranged) and the same instants at other offsets (computed) agree.
    for (const [utc, other] of [["2026-01-31 12:00:00+00", "2026-01-31 13:00:00+01"], ["2026-01-31 12:00:00.12+00", "2026-01-31 06:30:00.12-05:30"], ["2026-12-31 23:59:59.999999+00", "2027-01-01 09:59:59.999999+10"]]) {
      expect(timestamptzIso(utc)).toBe(timestamptzIso(other));
      expect(new Date(timestamptzIso(utc)).getTime()).toBe(new Date(utc).getTime());
    }
  });

  it("reads in time order when compared as text (code compares two read timestamps with <)", async () => {
    const rows = await db.sql<{ t: string }[]>`
      select t from unnest(array['2026-01-31 12:00:00+00', '2026-01-31 12:00:00.5+00', '2026-01-31 12:00:00.12+00',
        '2026-01-31 12:00:00.123+00', '2026-01-31 11:59:59.999999+00', '2026-01-31 13:00:00+01']::timestamptz[]) as t order by t`;
    const texts = rows.map((r) => r.t);
    expect([...texts].sort()).toEqual(texts);
  });
});
