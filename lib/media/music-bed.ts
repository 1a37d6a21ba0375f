/**
 * A synthesised music bed for the local provider: a soft pad playing I-V-vi-IV in a key picked from
 * the seed, made by ffmpeg's aevalsrc so nothing is downloaded or copied. Each chord swells in and
 * out (sine envelope), which also hides the phase jump where the frequencies change.
 */

const PROGRESSION = [
  [0, 4, 7],
  [7, 11, 14],
  [9, 12, 16],
  [5, 9, 12],
];
// A few warm keys around A2..E3 (Hz of the root).
const ROOTS = [110, 123.47, 130.81, 146.83, 164.81];

export const MUSIC_BED_RENDERER = "local-musicbed/1 (ffmpeg aevalsrc pad)";

/** Expression for one channel; `detune` (in cents) widens the stereo image. */
function channelExpr(root: number, chordSec: number, detune: number): string {
  const c = `mod(floor(t/${chordSec}),4)`;
  const freqOf = (voice: number) => {
    const fs = PROGRESSION.map((chord) => (root * 2 ** ((chord[voice] + detune / 100) / 12)).toFixed(3));
    return `if(eq(${c},0),${fs[0]},if(eq(${c},1),${fs[1]},if(eq(${c},2),${fs[2]},${fs[3]})))`;
  };
  const env = `pow(sin(PI*mod(t,${chordSec})/${chordSec}),0.7)`;
  const voices = [0, 1, 2].map((v) => `sin(2*PI*t*${freqOf(v)})`);
  const bass = `0.6*sin(PI*t*${freqOf(0)})`; // an octave below the root
  const shimmer = `0.15*sin(4*PI*t*${freqOf(2)})`;
  return `0.16*${env}*(${[...voices, bass, shimmer].join("+")})*(0.85+0.15*cos(2*PI*t*2))`;
}

/** An ffmpeg source filter producing `durationSec` of stereo music for this seed, at 16 kHz: the pad is
 * low-passed at 2.4 kHz anyway, and evaluating the expression per sample is its whole cost. Resample after. */
export function musicBedSource(durationSec: number, seed: number): string {
  const root = ROOTS[Math.abs(seed) % ROOTS.length];
  const chordSec = 2;
  const left = channelExpr(root, chordSec, -4);
  const right = channelExpr(root, chordSec, 4);
  return `aevalsrc='${left}|${right}':s=16000:c=stereo:d=${durationSec.toFixed(3)},lowpass=f=2400`;
}
