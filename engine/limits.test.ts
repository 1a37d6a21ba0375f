import { describe, expect, it } from "vitest";
import { ProviderLimits, Semaphore, providerLimitsFromEnv } from "./limits.js";

describe("provider limits", () => {
  it("lets at most `limit` holders in at once, in arrival order", async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const c = s.acquire().then((release) => {
      order.push("c");
      return release;
    });
    const d = s.acquire().then((release) => {
      order.push("d");
      return release;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(["c", "d"]);
  });

  it("stops waiting when aborted", async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const ctl = new AbortController();
    const waiting = s.acquire(ctl.signal);
    ctl.abort(new Error("canceled"));
    await expect(waiting).rejects.toThrow("canceled");
  });

  it("reads limits from the environment and refuses nonsense", async () => {
    expect(providerLimitsFromEnv("replicate=2, local=1")).toEqual({ replicate: 2, local: 1 });
    expect(() => providerLimitsFromEnv("replicate=lots")).toThrow(/replicate=2/);
    const limits = new ProviderLimits({ replicate: 1 });
    const r = await limits.acquire("replicate");
    let second = false;
    void limits.acquire("replicate").then(() => (second = true));
    await (await limits.acquire("local"))();
    await new Promise((res) => setTimeout(res, 5));
    expect(second).toBe(false);
    r();
    await new Promise((res) => setTimeout(res, 5));
    expect(second).toBe(true);
  });
});
