import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CreateTriggerBodySchema } from "../../../schemas/triggers.js";
import { initialForm, signingExample, triggerBody } from "./form.js";

const form = (o = {}) => ({ ...initialForm({ timezone: "Europe/Copenhagen", assetNodeId: "assets" }), ...o });

describe("trigger form -> API body", () => {
  it("builds a body the API schema accepts for each kind", () => {
    for (const kind of ["cron", "webhook", "condition"] as const) {
      const body = triggerBody(form({ kind, feed: "inventory.csv", stockBelow: "5", name: " Nightly " }));
      const parsed = CreateTriggerBodySchema.safeParse(body);
      expect(parsed.success, `${kind}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    expect(triggerBody(form({ name: " Nightly " }))).toMatchObject({ name: "Nightly", kind: "cron", config: { expression: "0 9 * * *", timezone: "Europe/Copenhagen" }, versionId: null, channel: null });
    const condition = triggerBody(form({ kind: "condition", feed: "f.csv", stockBelow: "5" })).config as Record<string, unknown>;
    expect(condition).toMatchObject({ stockBelow: 5, stockAbove: null, target: { nodeId: "assets", field: "products" } });
    // Private hosts are the operator's setting (GENJED_OUTBOUND_ALLOW), not a trigger option.
    expect(condition).not.toHaveProperty("allowHosts");
  });

  it("names a field that is not a number", () => {
    expect(() => triggerBody(form({ kind: "condition", feed: "f.csv", stockBelow: "few" }))).toThrow(/Stock falls below: "few" is not a number/);
  });

  it("the signing example computes the same signature as the server's scheme", () => {
    const secret = "whsec_example";
    const script = `${signingExample("http://localhost:4280/hooks/x", secret).split("\n").slice(0, 4).join("\n")}\necho "$TS $SIG"`;
    let out: string;
    try {
      out = execFileSync("sh", ["-c", script], { encoding: "utf8" }).trim();
    } catch {
      return expect.fail("sh and openssl are needed to check the example");
    }
    const [ts, sig] = out.split(" ");
    const body = '{"products":[{"name":"Linen shirt","price":49,"images":["https://example.com/shirt.jpg"]}]}';
    expect(sig).toBe(createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex"));
  });
});
