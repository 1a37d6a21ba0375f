/**
 * Prepare a video to a channel's spec before it is uploaded (the spec table the QA gate checks
 * against): wrong aspect ratio -> the picture fitted onto a blurred fill of itself (nothing
 * cropped, no black bars), too long -> trimmed with a short audio fade, too small -> scaled up,
 * wrong codec/fps/pixel format -> re-encoded as H.264/AAC. A video already in spec is not touched.
 */
import path from "node:path";
import type { MediaRef } from "../../schemas/index.js";
import { runFfmpeg } from "../../lib/media/ffmpeg.js";
import { videoSizeFor } from "../../lib/media/aspect.js";
import { probeMedia } from "../../lib/media/probe.js";
import { CHANNEL_SPECS, describeAspect, ratioOf, type ChannelId } from "../shared/channel-specs.js";
import type { NodeContext } from "../contract.js";
import type { PublishChannel } from "../shared/publishers/ledger.js";

export interface Prepared {
  media: MediaRef;
  /** What was changed, for the log ("trimmed 92 s -> 90 s"); empty when the video was already in spec. */
  changes: string[];
}

const SPEC_OF: Partial<Record<PublishChannel, ChannelId>> = { instagram_reels: "instagram_reels", youtube_shorts: "youtube_shorts", tiktok: "tiktok" };

export async function prepareForChannel(media: MediaRef, channel: PublishChannel, ctx: Pick<NodeContext, "storage" | "signal">): Promise<Prepared> {
  const specId = SPEC_OF[channel];
  if (!specId || media.kind !== "video") return { media, changes: [] };
  const spec = CHANNEL_SPECS[specId];
  const file = ctx.storage.path(media.hash);
  const probe = await probeMedia(file);
  const width = probe.width ?? 0;
  const height = probe.height ?? 0;
  const duration = probe.durationSec ?? 0;
  const changes: string[] = [];

  const ratio = width / Math.max(1, height);
  const aspectOk = spec.aspectRatios.some((a) => Math.abs(ratioOf(a) - ratio) / ratioOf(a) <= 0.01);
  const targetAspect = aspectOk ? describeAspect(width, height) : spec.aspectRatios[0];
  const short = Math.min(width, height);
  const targetShort = Math.max(spec.minShortSide, Math.min(1080, short));
  const tooSmall = short < spec.minShortSide;
  const tooLong = duration > spec.maxDurationSec;
  const codecOk = spec.videoCodecs.includes(probe.videoCodec ?? "") && probe.pixelFormat === "yuv420p";
  const fpsOk = probe.fps !== undefined && probe.fps >= spec.fps.min && probe.fps <= spec.fps.max;

  if (aspectOk && !tooSmall && !tooLong && codecOk && fpsOk) return { media, changes };

  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const scaleUp = spec.minShortSide / Math.max(1, short);
  const size = !aspectOk ? videoSizeFor(targetAspect, targetShort) : tooSmall ? { width: even(width * scaleUp), height: even(height * scaleUp) } : { width: even(width), height: even(height) };
  const W = size.width;
  const H = size.height;
  const fps = fpsOk ? probe.fps! : 30;
  let graph: string;
  if (!aspectOk) {
    graph = `[0:v]split[a][b];[a]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},boxblur=20:2[bg];[b]scale=${W}:${H}:force_original_aspect_ratio=decrease[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1,fps=${fps},format=yuv420p[v]`;
    changes.push(`${describeAspect(width, height)} ${width}x${height} fitted to ${targetAspect} ${W}x${H}`);
  } else {
    graph = `[0:v]scale=${W}:${H},setsar=1,fps=${fps},format=yuv420p[v]`;
    if (tooSmall) changes.push(`scaled ${width}x${height} up to ${W}x${H} (${spec.label} needs ${spec.minShortSide}p)`);
  }
  if (!codecOk) changes.push(`re-encoded ${probe.videoCodec}/${probe.pixelFormat} as h264/yuv420p`);
  if (!fpsOk) changes.push(`frame rate ${probe.fps} -> ${fps} fps`);
  const maxSec = spec.maxDurationSec;
  if (tooLong) changes.push(`trimmed ${duration} s -> ${maxSec} s`);

  const out = path.join(await ctx.storage.tempDir(), `${specId}.mp4`);
  const audio = probe.hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", "160k", ...(tooLong ? ["-af", `afade=t=out:st=${(maxSec - 0.5).toFixed(2)}:d=0.5`] : [])] : [];
  await runFfmpeg(
    ["-i", file, "-filter_complex", graph, "-map", "[v]", ...audio, ...(tooLong ? ["-t", String(maxSec)] : []), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-movflags", "+faststart", out],
    { signal: ctx.signal },
  );
  const prepared = await ctx.storage.put({ path: out }, { mime: "video/mp4", meta: { preparedFor: channel, preparedFrom: media.hash, aspectRatio: targetAspect } });
  return { media: prepared, changes };
}
