import { describe, expect, it } from "vitest";
import { burnPasswordCheck, hashPassword, SCRYPT, verifyPassword } from "./passwords.js";

describe("password hashing (scrypt)", () => {
  it("verifies the right password and refuses a wrong one; each hash has its own salt", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^scrypt\\$${SCRYPT.N}\\$${SCRYPT.r}\\$${SCRYPT.p}\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$`));
    expect(a).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("treats canonically equal Unicode the same (NFKC), so a password typed on another keyboard still works", async () => {
    const h = await hashPassword("caf\u00e9-\u00e9t\u00e9-2024");
    expect(await verifyPassword("cafe\u0301-e\u0301te\u0301-2024", h)).toBe(true);
  });

  it("never verifies against a malformed or tampered hash, and refuses absurd cost parameters", async () => {
    const h = await hashPassword("a long enough password");
    const parts = h.split("$");
    expect(await verifyPassword("a long enough password", "plaintext")).toBe(false);
    expect(await verifyPassword("a long enough password", ["bcrypt", ...parts.slice(1)].join("$"))).toBe(false);
    expect(await verifyPassword("a long enough password", [...parts.slice(0, 5), Buffer.alloc(32).toString("base64")].join("$"))).toBe(false);
    // N = 2^30 would ask for 1 TiB: refused before any work.
    const started = Date.now();
    expect(await verifyPassword("a long enough password", ["scrypt", String(2 ** 30), "8", "1", parts[4], parts[5]].join("$"))).toBe(false);
    expect(await verifyPassword("a long enough password", ["scrypt", "1000", "8", "1", parts[4], parts[5]].join("$"))).toBe(false);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("spends as long on an unknown account as on a real one (no enumeration by timing)", async () => {
    const h = await hashPassword("a long enough password");
    await burnPasswordCheck("warm-up"); // the dummy hash is made once
    const median = async (f: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await f();
        times.push(performance.now() - t);
      }
      return times.sort((x, y) => x - y)[1];
    };
    const real = await median(() => verifyPassword("wrong guess", h));
    const burned = await median(async () => expect(await burnPasswordCheck("wrong guess")).toBe(false));
    // Same scrypt work; allow generous noise on a shared two-core machine.
    expect(burned).toBeGreaterThan(real * 0.5);
    expect(burned).toBeLessThan(real * 2);
  });
});
