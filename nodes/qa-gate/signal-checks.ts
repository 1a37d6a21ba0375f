/** Black frames, silence and loudness as QA checks, from one signal analysis. */
import type { ChannelSpec } from "../shared/channel-specs.js";
import type { CheckResult } from "../shared/qa-report.js";
import { longest, totalLength, type SignalAnalysis } from "./signal.js";

export interface SignalCheckOptions {
  durationSec: number;
  hasAudio: boolean;
  /** Longest black stretch tolerated (fades are short). */
  blackMaxSec: number;
  /** Longest silence tolerated when the channel expects sound. */
  silenceMaxSec: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export function blackCheck(a: SignalAnalysis, o: SignalCheckOptions): CheckResult {
  const total = totalLength(a.black);
  const worst = longest(a.black);
  const share = o.durationSec > 0 ? total / o.durationSec : 0;
  const bad = worst > o.blackMaxSec;
  return {
    id: "black_frames",
    label: "Black frames",
    status: bad ? "fail" : "pass",
    // Mostly black is a broken render; a stray black second is an editing slip.
    severity: share >= 0.5 ? "high" : "medium",
    measured: { blackSec: round(total), share: round(share, 3), longestSec: round(worst), segments: a.black.map((s) => ({ start: round(s.start), end: round(s.end) })) },
    expected: { longestSecAtMost: o.blackMaxSec },
    message: bad
      ? `${round(total)} s of ${round(o.durationSec)} s is black (${Math.round(share * 100)}%), longest stretch ${round(worst)} s from ${round(a.black.find((s) => s.end - s.start === worst)!.start)} s`
      : total > 0
        ? `only short black stretches (${round(total)} s in total)`
        : "no black frames",
  };
}

export function silenceCheck(a: SignalAnalysis, spec: ChannelSpec, o: SignalCheckOptions): CheckResult {
  const base = { id: "silence", label: "Silence" };
  if (spec.audio === "none") return { ...base, status: "skipped", severity: "low", message: `${spec.label} plays muted: sound is not checked` };
  const severity = spec.audio === "required" ? "high" : "medium";
  if (!o.hasAudio) {
    return { ...base, status: "fail", severity, measured: { audioStream: false }, message: `the video has no audio stream; ${spec.label} ${spec.audio === "required" ? "requires" : "expects"} sound` };
  }
  const total = totalLength(a.silence);
  const worst = longest(a.silence);
  const share = o.durationSec > 0 ? Math.min(1, total / o.durationSec) : 0;
  const allSilent = share >= 0.95;
  const bad = allSilent || worst > o.silenceMaxSec;
  return {
    ...base,
    status: bad ? "fail" : "pass",
    severity: allSilent ? severity : "low",
    measured: { silentSec: round(total), share: round(share, 3), longestSec: round(worst) },
    expected: { longestSecAtMost: o.silenceMaxSec },
    message: allSilent
      ? `the audio is silent (${Math.round(share * 100)}% of ${round(o.durationSec)} s)`
      : bad
        ? `a ${round(worst)} s silence (more than ${o.silenceMaxSec} s)`
        : total > 0
          ? `short pauses only (${round(total)} s in total)`
          : "sound throughout",
  };
}

export function loudnessCheck(a: SignalAnalysis, spec: ChannelSpec, o: SignalCheckOptions): CheckResult {
  const base = { id: "loudness", label: "Loudness" };
  if (!spec.loudness || spec.audio === "none") return { ...base, status: "skipped", severity: "low", message: `${spec.label} has no loudness target` };
  const lufs = a.integratedLufs;
  // ebur128 reports -70 LUFS (its gate) for digital silence: the silence check covers that case.
  if (!o.hasAudio || lufs === undefined || lufs <= -69) {
    return { ...base, status: "skipped", severity: "low", measured: { integratedLufs: lufs ?? null }, message: "no measurable programme loudness (silent or no audio)" };
  }
  const { targetLufs, toleranceLu } = spec.loudness;
  const off = lufs - targetLufs;
  const ok = Math.abs(off) <= toleranceLu;
  return {
    ...base,
    status: ok ? "pass" : "fail",
    severity: Math.abs(off) > 2 * toleranceLu ? "medium" : "low",
    measured: { integratedLufs: lufs },
    expected: { targetLufs, toleranceLu },
    message: ok
      ? `${lufs} LUFS, within ${toleranceLu} LU of ${targetLufs} LUFS`
      : `${lufs} LUFS is ${round(Math.abs(off), 1)} LU ${off > 0 ? "louder" : "quieter"} than ${spec.label}'s ${targetLufs} LUFS target`,
  };
}
