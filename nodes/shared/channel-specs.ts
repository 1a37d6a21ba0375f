/**
 * What each distribution channel accepts, kept as data so a spec change is a one-line edit here and
 * the QA gate, the publisher's "prepare to spec" step and the editor all read the same table.
 * Values follow the platforms' published upload specs (2024-2025) for ads in these placements.
 */

export const CHANNEL_IDS = ["instagram_reels", "tiktok", "youtube_shorts", "ctv", "dooh"] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

/** required: missing or silent audio is a high-severity flag; recommended: medium; none: not checked. */
export type AudioPolicy = "required" | "recommended" | "none";

export interface ChannelSpec {
  id: ChannelId;
  label: string;
  /** Accepted aspect ratios, preferred first ("9:16"). */
  aspectRatios: string[];
  minDurationSec: number;
  maxDurationSec: number;
  /** Shorter side in pixels at least (720 = 720p). */
  minShortSide: number;
  videoCodecs: string[];
  fps: { min: number; max: number };
  audio: AudioPolicy;
  /** Integrated loudness the platform normalises to (EBU R128 / ATSC A/85), with tolerance in LU. */
  loudness?: { targetLufs: number; toleranceLu: number };
}

export const CHANNEL_SPECS: Record<ChannelId, ChannelSpec> = {
  instagram_reels: {
    id: "instagram_reels",
    label: "Instagram Reels",
    aspectRatios: ["9:16"],
    minDurationSec: 3,
    maxDurationSec: 90,
    minShortSide: 720,
    videoCodecs: ["h264", "hevc"],
    fps: { min: 23, max: 60 },
    audio: "recommended",
    loudness: { targetLufs: -14, toleranceLu: 3 },
  },
  tiktok: {
    id: "tiktok",
    label: "TikTok",
    aspectRatios: ["9:16"],
    minDurationSec: 3,
    maxDurationSec: 600,
    minShortSide: 720,
    videoCodecs: ["h264", "hevc"],
    fps: { min: 23, max: 60 },
    audio: "recommended",
    loudness: { targetLufs: -14, toleranceLu: 3 },
  },
  youtube_shorts: {
    id: "youtube_shorts",
    label: "YouTube Shorts",
    aspectRatios: ["9:16", "1:1"],
    minDurationSec: 1,
    maxDurationSec: 180,
    minShortSide: 720,
    videoCodecs: ["h264", "hevc", "vp9", "av1"],
    fps: { min: 23, max: 60 },
    audio: "recommended",
    loudness: { targetLufs: -14, toleranceLu: 3 },
  },
  ctv: {
    id: "ctv",
    label: "Connected TV",
    aspectRatios: ["16:9"],
    minDurationSec: 6,
    maxDurationSec: 60,
    minShortSide: 1080,
    videoCodecs: ["h264", "hevc"],
    fps: { min: 23.976, max: 30 },
    audio: "required",
    loudness: { targetLufs: -24, toleranceLu: 2 },
  },
  dooh: {
    id: "dooh",
    label: "Digital out-of-home",
    aspectRatios: ["16:9", "9:16"],
    minDurationSec: 5,
    maxDurationSec: 15,
    minShortSide: 1080,
    videoCodecs: ["h264"],
    fps: { min: 25, max: 30 },
    // Street screens play muted.
    audio: "none",
  },
};

/** Width/height as a ratio number ("9:16" -> 0.5625). */
export function ratioOf(aspect: string): number {
  const [w, h] = aspect.split(":").map(Number);
  return w / h;
}

/** The closest simple ratio label for a frame size ("1920x1080" -> "16:9"), for messages. */
export function describeAspect(width: number, height: number): string {
  const known = ["9:16", "16:9", "1:1", "4:5", "5:4", "4:3", "3:4", "2:3", "3:2", "21:9"];
  const r = width / height;
  const best = known.reduce((a, b) => (Math.abs(ratioOf(b) - r) < Math.abs(ratioOf(a) - r) ? b : a));
  return Math.abs(ratioOf(best) - r) / ratioOf(best) < 0.01 ? best : `${(r).toFixed(3)}:1`;
}
