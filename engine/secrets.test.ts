import { afterEach, describe, expect, it } from "vitest";
import { envSecrets, trackingSecrets } from "./secrets.js";

describe("secrets from the environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("hands nodes their credentials but never the server's own settings", () => {
    process.env.REPLICATE_API_TOKEN = "r8_example_token";
    process.env.GENJED_SECRET_KEY = "server-key";
    process.env.DATABASE_URL = "postgres://u:p@h/db";
    process.env.PGPASSWORD = "pw";
    expect(envSecrets.get("REPLICATE_API_TOKEN")).toBe("r8_example_token");
    expect(envSecrets.get("GENJED_SECRET_KEY")).toBeUndefined();
    expect(envSecrets.get("DATABASE_URL")).toBeUndefined();
    expect(envSecrets.get("PGPASSWORD")).toBeUndefined();
  });

  it("scrubs every value it handed out from text and nested outputs", () => {
    process.env.WEBHOOK_SECRET = "whsec_abcdef";
    const s = trackingSecrets(envSecrets);
    expect(s.redact("nothing read yet whsec_abcdef")).toBe("nothing read yet whsec_abcdef");
    s.get("WEBHOOK_SECRET");
    expect(s.redact("Bearer whsec_abcdef")).toBe("Bearer [redacted]");
    expect(s.redactDeep({ a: ["x whsec_abcdef"], whsec_abcdef: 1 })).toEqual({ a: ["x [redacted]"], "[redacted]": 1 });
  });
});
