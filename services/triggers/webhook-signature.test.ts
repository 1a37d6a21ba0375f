import { describe, expect, it } from "vitest";
import { signWebhook, verifySignature } from "./webhook.js";

const secret = "whsec_test";
const body = Buffer.from(JSON.stringify({ products: [] }));
const now = new Date("2025-06-01T12:00:00Z");
const t = now.getTime() / 1000;

describe("webhook signatures (HMAC-SHA256 over timestamp and raw body)", () => {
  it("accepts a signature made with the secret over the exact bytes", () => {
    expect(verifySignature(signWebhook(secret, body, t), body, secret, now, 300)).toMatchObject({ ok: true });
  });

  it("refuses another secret, a changed body, a re-dated timestamp, and malformed or missing headers", () => {
    const header = signWebhook(secret, body, t);
    expect(verifySignature(signWebhook("whsec_other", body, t), body, secret, now, 300)).toEqual({ ok: false, reason: "signature does not match the body" });
    expect(verifySignature(header, Buffer.from(`${body} `), secret, now, 300).ok).toBe(false);
    expect(verifySignature(header.replace(`t=${t}`, `t=${t + 1}`), body, secret, now, 300).ok).toBe(false);
    expect(verifySignature("sha256=abc", body, secret, now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/must look like t=/) });
    expect(verifySignature(undefined, body, secret, now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });

  it("refuses timestamps outside the tolerance, either way", () => {
    expect(verifySignature(signWebhook(secret, body, t - 301), body, secret, now, 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/301 s away/) });
    expect(verifySignature(signWebhook(secret, body, t + 301), body, secret, now, 300).ok).toBe(false);
    expect(verifySignature(signWebhook(secret, body, t - 299), body, secret, now, 300).ok).toBe(true);
  });
});
