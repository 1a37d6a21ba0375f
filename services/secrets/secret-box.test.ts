import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, seal, secretAad, SecretDecryptError } from "./secret-box.js";

const key = randomBytes(32);
const ws = "11111111-1111-4111-8111-111111111111";

describe("AES-256-GCM secret box", () => {
  it("round-trips a value; the ciphertext does not contain it and every seal uses a new IV", () => {
    const value = "r8_live_token_ABCDEFGHIJKLMNOP";
    const a = seal(key, value, secretAad(ws, "REPLICATE_API_TOKEN"));
    const b = seal(key, value, secretAad(ws, "REPLICATE_API_TOKEN"));
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString("utf8")).not.toContain("ABCDEF");
    expect(open(key, a, secretAad(ws, "REPLICATE_API_TOKEN"))).toBe(value);
  });

  it("refuses the wrong key, another row's name or workspace, and any altered byte", () => {
    const sealed = seal(key, "s3cret-value-123", secretAad(ws, "A"));
    expect(() => open(randomBytes(32), sealed, secretAad(ws, "A"))).toThrow(SecretDecryptError);
    expect(() => open(key, sealed, secretAad(ws, "B"))).toThrow(SecretDecryptError);
    expect(() => open(key, sealed, secretAad("22222222-2222-4222-8222-222222222222", "A"))).toThrow(SecretDecryptError);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] ^= 1;
    expect(() => open(key, { ...sealed, ciphertext: flipped }, secretAad(ws, "A"))).toThrow(SecretDecryptError);
    const tag = Buffer.from(sealed.tag);
    tag[15] ^= 1;
    expect(() => open(key, { ...sealed, tag }, secretAad(ws, "A"))).toThrow(SecretDecryptError);
  });
});
