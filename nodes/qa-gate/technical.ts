/** Technical checks from ffprobe metadata against a channel's spec. */
import type { MediaProbe } from "../../lib/media/probe.js";
import { describeAspect, ratioOf, type ChannelSpec } from "../shared/channel-specs.js";
import type { CheckResult } from "../shared/qa-report.js";

export interface TechnicalOptions {
  /** The duration the ad was made for, when known; checked with `durationToleranceSec`. */
  expectedDurationSec?: number;
  durationToleranceSec: number;
  /** Relative difference between ratios still counted as the same aspect ratio. */
  aspectTolerance: number;
}

export function technicalChecks(probe: MediaProbe, spec: ChannelSpec, o: TechnicalOptions): CheckResult[] {
  const checks: CheckResult[] = [];
  const { width, height } = probe;
  if (!probe.hasVideo || !width || !height) {
    checks.push({ id: "video_stream", label: "Video stream", status: "fail", severity: "high", message: "the file has no video stream" });
    return checks;
  }
  const ratio = width / height;
  const matching = spec.aspectRatios.find((a) => Math.abs(ratioOf(a) - ratio) / ratioOf(a) <= o.aspectTolerance);
  const measuredAspect = describeAspect(width, height);
  checks.push({
    id: "aspect_ratio",
    label: "Aspect ratio",
    status: matching ? "pass" : "fail",
    severity: "high",
    measured: { aspectRatio: measuredAspect, ratio: round(ratio, 4), width, height },
    expected: spec.aspectRatios,
    message: matching
      ? `${measuredAspect} (${width}x${height}) fits ${spec.label}`
      : `${measuredAspect} (${width}x${height}, ratio ${round(ratio, 3)}) is not accepted by ${spec.label}, which takes ${spec.aspectRatios.join(" or ")}`,
  });

  const short = Math.min(width, height);
  checks.push({
    id: "resolution",
    label: "Resolution",
    status: short >= spec.minShortSide ? "pass" : "fail",
    severity: "high",
    measured: { width, height, shortSide: short },
    expected: { minShortSide: spec.minShortSide },
    message:
      short >= spec.minShortSide
        ? `${width}x${height} meets the ${spec.minShortSide}p floor`
        : `${width}x${height} is below ${spec.label}'s minimum of ${spec.minShortSide}p (shorter side ${short} px)`,
  });

  const d = probe.durationSec;
  if (d === undefined) {
    checks.push({ id: "duration", label: "Duration", status: "fail", severity: "high", message: "ffprobe reports no duration" });
  } else {
    const tooLong = d > spec.maxDurationSec + o.durationToleranceSec;
    const tooShort = d < spec.minDurationSec - o.durationToleranceSec;
    const offTarget = o.expectedDurationSec !== undefined && Math.abs(d - o.expectedDurationSec) > o.durationToleranceSec;
    const problem = tooLong
      ? `${d} s is longer than ${spec.label}'s ${spec.maxDurationSec} s maximum`
      : tooShort
        ? `${d} s is shorter than ${spec.label}'s ${spec.minDurationSec} s minimum`
        : offTarget
          ? `${d} s is not the expected ${o.expectedDurationSec} s (±${o.durationToleranceSec} s)`
          : undefined;
    checks.push({
      id: "duration",
      label: "Duration",
      status: problem ? "fail" : "pass",
      severity: tooLong || tooShort ? "high" : "medium",
      measured: { durationSec: d },
      expected: { minSec: spec.minDurationSec, maxSec: spec.maxDurationSec, ...(o.expectedDurationSec !== undefined ? { targetSec: o.expectedDurationSec, toleranceSec: o.durationToleranceSec } : {}) },
      message: problem ?? `${d} s is within ${spec.minDurationSec}-${spec.maxDurationSec} s${o.expectedDurationSec !== undefined ? ` and ±${o.durationToleranceSec} s of ${o.expectedDurationSec} s` : ""}`,
    });
  }

  const codec = probe.videoCodec ?? "unknown";
  checks.push({
    id: "codec",
    label: "Video codec",
    status: spec.videoCodecs.includes(codec) ? "pass" : "fail",
    severity: "medium",
    measured: { videoCodec: codec, audioCodec: probe.audioCodec ?? null, pixelFormat: probe.pixelFormat ?? null },
    expected: spec.videoCodecs,
    message: spec.videoCodecs.includes(codec) ? `${codec} is accepted` : `${codec} is not accepted by ${spec.label} (${spec.videoCodecs.join(", ")})`,
  });

  const fps = probe.fps;
  const fpsOk = fps !== undefined && fps >= spec.fps.min - 0.01 && fps <= spec.fps.max + 0.01;
  checks.push({
    id: "fps",
    label: "Frame rate",
    status: fpsOk ? "pass" : "fail",
    severity: "low",
    measured: { fps: fps ?? null },
    expected: spec.fps,
    message: fpsOk ? `${fps} fps` : `${fps ?? "unknown"} fps is outside ${spec.fps.min}-${spec.fps.max} fps`,
  });
  return checks;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
