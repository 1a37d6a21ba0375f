import { ffmpeg } from "./ffmpeg.js";

export interface MediaProbe {
  width?: number;
  height?: number;
  durationSec?: number;
  fps?: number;
  videoCodec?: string;
  audioCodec?: string;
  audioChannels?: number;
  sampleRate?: number;
  bitRate?: number;
  pixelFormat?: string;
  formatName?: string;
  hasVideo: boolean;
  hasAudio: boolean;
}

/** ffprobe a file: the metadata stored with every media blob and checked by tests and the QA gate. */
export function probeMedia(path: string): Promise<MediaProbe> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, (err, data) => {
      if (err) return reject(new Error(`ffprobe could not read ${path}: ${String(err.message ?? err).split("\n")[0]}`));
      const video = data.streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
      const audio = data.streams.find((s) => s.codec_type === "audio");
      const duration = num(data.format.duration) ?? num(video?.duration) ?? num(audio?.duration);
      const out: MediaProbe = {
        hasVideo: Boolean(video),
        hasAudio: Boolean(audio),
        formatName: data.format.format_name,
      };
      if (video) {
        out.width = video.width;
        out.height = video.height;
        out.videoCodec = video.codec_name;
        out.pixelFormat = video.pix_fmt;
        out.fps = parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate);
      }
      if (audio) {
        out.audioCodec = audio.codec_name;
        out.audioChannels = audio.channels;
        out.sampleRate = num(audio.sample_rate);
      }
      if (duration !== undefined) out.durationSec = Math.round(duration * 1000) / 1000;
      const br = num(data.format.bit_rate);
      if (br !== undefined) out.bitRate = br;
      resolve(stripUndefined(out));
    });
  });
}

function num(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function parseRate(rate?: string): number | undefined {
  if (!rate) return undefined;
  const [a, b] = rate.split("/").map(Number);
  if (!b || !Number.isFinite(a) || a === 0) return undefined;
  return Math.round((a / b) * 1000) / 1000;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
