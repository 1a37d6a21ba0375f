/** Brand compliance as QA checks: palette coverage of sampled frames, and the logo when one is given. */
import type { Brand } from "../../schemas/content.js";
import { analyseColors } from "./colors.js";
import type { RawFrame } from "./frames.js";
import { findLogo } from "./logo.js";
import type { CheckResult } from "../shared/qa-report.js";

export interface BrandCheckOptions {
  toleranceDeltaE: number;
  minCoverage: number;
  logoThreshold: number;
  /** Absolute path of the stored logo, when the brand has one. */
  logoFile?: string;
}

/** The colours that make a brand recognisable (text/accent are often plain white). */
export const paletteOf = (brand: Brand) => [brand.colors.primary, brand.colors.secondary, brand.colors.background];

export async function brandChecks(brand: Brand | undefined, frames: RawFrame[], o: BrandCheckOptions): Promise<CheckResult[]> {
  if (!brand) {
    return [{ id: "brand_colors", label: "Brand colours", status: "skipped", severity: "medium", message: "no brand given" }];
  }
  const palette = paletteOf(brand);
  const colors = analyseColors(frames, palette, { toleranceDeltaE: o.toleranceDeltaE });
  const ok = colors.brandCoverage >= o.minCoverage;
  const checks: CheckResult[] = [
    {
      id: "brand_colors",
      label: "Brand colours",
      status: ok ? "pass" : "fail",
      severity: "medium",
      measured: { brandCoverage: colors.brandCoverage, dominant: colors.dominant, frames: frames.length },
      expected: { palette, minCoverage: o.minCoverage, toleranceDeltaE: o.toleranceDeltaE },
      message: ok
        ? `${Math.round(colors.brandCoverage * 100)}% of the sampled picture is in ${brand.name}'s colours`
        : `only ${Math.round(colors.brandCoverage * 100)}% of the sampled picture is in ${brand.name}'s colours (at least ${Math.round(o.minCoverage * 100)}% expected); dominant: ${colors.dominant
            .slice(0, 3)
            .map((d) => `${d.hex} ${Math.round(d.share * 100)}%`)
            .join(", ")}`,
    },
  ];
  if (o.logoFile) {
    const m = await findLogo(o.logoFile, frames, { threshold: o.logoThreshold });
    checks.push({
      id: "logo",
      label: "Logo present",
      status: m.found ? "pass" : "fail",
      severity: "medium",
      measured: m,
      expected: { correlationAtLeast: o.logoThreshold },
      message: m.found
        ? `logo found at ${m.atSec} s (correlation ${m.score})`
        : `the logo was not found in ${frames.length} sampled frames (best correlation ${m.score}, needs ${o.logoThreshold})`,
    });
  }
  return checks;
}
