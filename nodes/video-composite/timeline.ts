/**
 * The ad's timeline in whole frames, so every output is exactly `durationSec` long: intro card,
 * then the clips (each trimmed or looped to its slot), then the outro card.
 */

export interface ClipSlot {
  /** Index into the clips list. */
  clip: number;
  startFrame: number;
  frames: number;
}

export interface Timeline {
  fps: number;
  totalFrames: number;
  introFrames: number;
  outroFrames: number;
  mainFrames: number;
  slots: ClipSlot[];
  /** Clips left out because the main part was too short to give each at least `minClipSec`. */
  droppedClips: number;
}

export function planTimeline(opts: { durationSec: number; fps: number; introSec: number; outroSec: number; clipCount: number; minClipSec?: number }): Timeline {
  const { fps } = opts;
  const totalFrames = Math.round(opts.durationSec * fps);
  const introFrames = Math.round(opts.introSec * fps);
  const outroFrames = Math.round(opts.outroSec * fps);
  const mainFrames = totalFrames - introFrames - outroFrames;
  if (mainFrames < fps) throw new Error(`intro (${opts.introSec} s) and outro (${opts.outroSec} s) leave less than 1 s of a ${opts.durationSec} s ad for the clips`);
  if (opts.clipCount < 1) throw new Error("there are no clips to put in the ad");
  const minFrames = Math.round((opts.minClipSec ?? 1) * fps);
  const used = Math.max(1, Math.min(opts.clipCount, Math.floor(mainFrames / minFrames)));
  const base = Math.floor(mainFrames / used);
  const extra = mainFrames - base * used;
  const slots: ClipSlot[] = [];
  let start = introFrames;
  for (let i = 0; i < used; i++) {
    const frames = base + (i < extra ? 1 : 0);
    slots.push({ clip: i, startFrame: start, frames });
    start += frames;
  }
  return { fps, totalFrames, introFrames, outroFrames, mainFrames, slots, droppedClips: opts.clipCount - used };
}
