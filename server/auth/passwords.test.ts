import { describe, expect, it } from "vitest";
import { burnPasswordCheck, dummyHash, hashPassword, SCRYPT, verifyPassword } from "./passwords.js";

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
    expect(await verifyPassword("a long enough password", ["scrypt", String(2 ** 30), "8", "1", parts[4], parts[5]].join("$"))).toBe(false);
    expect(await verifyPassword("a long enough password", ["scrypt", "1000", "8", "1", parts[4], parts[5]].join("$"))).toBe(false);
  });

  it("checks an unknown account against a hash of the same cost as a real one (no enumeration by timing)", async () => {
    // Timing itself is too noisy to assert on a shared machine; the cost parameters decide it.
    const real = (await hashPassword("a long enough password")).split("$").slice(0, 4);
    const dummy = (await dummyHash()).split("$");
    expect(dummy.slice(0, 4)).toEqual(real);
    expect(Buffer.from(dummy[5], "base64")).toHaveLength(SCRYPT.keylen);
    expect(await burnPasswordCheck("any guess")).toBe(false);
  });
});
