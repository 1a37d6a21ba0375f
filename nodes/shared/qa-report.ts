/** The QA report: named checks with what was measured, a 0-100 score and where the item goes next. */
import { z } from "zod";

export const SEVERITIES = ["low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CheckResultSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** skipped: not applicable (no brand given, no audio expected...). */
  status: z.enum(["pass", "fail", "skipped"]),
  severity: z.enum(SEVERITIES),
  measured: z.unknown().optional(),
  expected: z.unknown().optional(),
  message: z.string(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const QA_ROUTES = ["pass", "review", "fail"] as const;
export type QaRoute = (typeof QA_ROUTES)[number];

export const QaReportSchema = z.object({
  channel: z.string(),
  score: z.number(),
  route: z.enum(QA_ROUTES),
  reason: z.string(),
  thresholds: z.object({ autoApproveAt: z.number(), failBelow: z.number() }),
  checks: z.array(CheckResultSchema),
  /** The failed checks, most severe first: what a reviewer looks at. */
  flags: z.array(z.object({ id: z.string(), severity: z.enum(SEVERITIES), message: z.string() })),
  media: z.object({ hash: z.string(), width: z.number().optional(), height: z.number().optional(), durationSec: z.number().optional() }),
});
export type QaReport = z.infer<typeof QaReportSchema>;

/** Points a failed check costs. One high flag alone lands in review with the default thresholds. */
export const PENALTY: Record<Severity, number> = { high: 40, medium: 15, low: 5 };

export function scoreChecks(checks: CheckResult[]): number {
  const lost = checks.filter((c) => c.status === "fail").reduce((s, c) => s + PENALTY[c.severity], 0);
  return Math.max(0, 100 - lost);
}

/**
 * At or above autoApproveAt with no high-severity flag: pass. Below failBelow: fail. Otherwise a
 * human looks at it. A high flag never passes unseen, whatever the score.
 */
export function routeFor(score: number, checks: CheckResult[], t: { autoApproveAt: number; failBelow: number }): { route: QaRoute; reason: string } {
  const high = checks.filter((c) => c.status === "fail" && c.severity === "high");
  if (score < t.failBelow) return { route: "fail", reason: `score ${score} is below the fail threshold ${t.failBelow}` };
  if (score >= t.autoApproveAt && high.length === 0) return { route: "pass", reason: `score ${score} is at or above the auto-approve threshold ${t.autoApproveAt}` };
  if (high.length > 0 && score >= t.autoApproveAt) {
    return { route: "review", reason: `score ${score} would auto-approve, but ${high.map((c) => c.id).join(", ")} is a high-severity flag` };
  }
  return { route: "review", reason: `score ${score} is between the fail threshold ${t.failBelow} and the auto-approve threshold ${t.autoApproveAt}` };
}

export function flagsOf(checks: CheckResult[]): QaReport["flags"] {
  const order: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
  return checks
    .filter((c) => c.status === "fail")
    .sort((a, b) => order[a.severity] - order[b.severity])
    .map((c) => ({ id: c.id, severity: c.severity, message: c.message }));
}
