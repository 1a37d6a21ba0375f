/**
 * The ad's soundtrack, rendered before the picture (audio-only passes take well under a second):
 *  1. mix: voice-over delayed to its start, fitted to the time it has (sped up a little, then
 *     trimmed), over the music bed ducked under the voice by a sidechain compressor; the same pass
 *     measures the mix's loudness (loudnorm print_format=json);
 *  2. normalise: loudnorm again with those measurements in linear mode, so the whole ad lands on the
 *     target integrated loudness (EBU R128, -14 LUFS by default) without pumping.
 */
import path from "node:path";
import { runFfmpeg } from "../media/ffmpeg.js";
import { parseLoudnormJson, type LoudnessStats } from "../media/loudness.js";
import { musicBedSource } from "../media/music-bed.js";

export interface AdAudioRequest {
  durationSec: number;
  voice?: { file: string; durationSec: number };
  /** A music file, or a seed for the synthesised bed, or nothing. */
  music?: { file: string } | { synthSeed: number };
  voiceStartSec: number;
  /** Music level relative to the voice, dB (negative). */
  musicLevelDb: number;
  /** 0 (no ducking) .. 1 (strong). */
  ducking: number;
  targetLufs: number;
  truePeakDb: number;
  dir: string;
  signal?: AbortSignal;
}

export interface AdAudio {
  file: string;
  /** Loudness of the mix before normalisation; undefined for silence. */
  measured?: LoudnessStats;
  /** Speed-up applied to the voice to fit, 1 = none. */
  voiceTempo: number;
  voiceTrimmed: boolean;
}

const STEREO_48K = "aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";

export async function renderAdAudio(req: AdAudioRequest): Promise<AdAudio> {
  const D = req.durationSec.toFixed(3);
  const args: string[] = [];
  const graph: string[] = [];
  let next = 0;
  let voiceTempo = 1;
  let voiceTrimmed = false;

  let voiceLabel: string | undefined;
  if (req.voice) {
    const idx = next++;
    args.push("-i", req.voice.file);
    const available = Math.max(0.5, req.durationSec - req.voiceStartSec - 0.4);
    const ratio = req.voice.durationSec / available;
    const chain = [STEREO_48K];
    if (ratio > 1.01) {
      voiceTempo = Math.min(1.5, ratio);
      chain.push(`atempo=${voiceTempo.toFixed(4)}`);
      if (ratio > 1.5) {
        voiceTrimmed = true;
        chain.push(`atrim=0:${available.toFixed(3)}`, `afade=t=out:st=${(available - 0.4).toFixed(3)}:d=0.4`);
      }
    }
    const delayMs = Math.round(req.voiceStartSec * 1000);
    chain.push(`adelay=${delayMs}|${delayMs}`, "apad", `atrim=0:${D}`);
    graph.push(`[${idx}:a]${chain.join(",")},asplit=2[voice][sidechain]`);
    voiceLabel = "voice";
  }

  let musicLabel: string | undefined;
  if (req.music) {
    let source: string;
    if ("file" in req.music) {
      const idx = next++;
      args.push("-stream_loop", "-1", "-t", D, "-i", req.music.file);
      source = `[${idx}:a]${STEREO_48K}`;
    } else {
      source = `${musicBedSource(req.durationSec, req.music.synthSeed)},${STEREO_48K}`;
    }
    const fadeOut = Math.max(0, req.durationSec - 1.5).toFixed(3);
    graph.push(`${source},volume=${req.musicLevelDb}dB,afade=t=in:d=0.8,afade=t=out:st=${fadeOut}:d=1.5,apad,atrim=0:${D}[music]`);
    musicLabel = "music";
  }

  let mixed: string;
  if (voiceLabel && musicLabel) {
    const ratio = (1 + 9 * req.ducking).toFixed(2);
    graph.push(`[music][sidechain]sidechaincompress=threshold=0.02:ratio=${ratio}:attack=15:release=350[ducked]`);
    // amix halves each input; loudnorm restores the level afterwards.
    graph.push(`[voice][ducked]amix=inputs=2:duration=first:dropout_transition=0[mix]`);
    mixed = "mix";
  } else if (voiceLabel) {
    graph.push(`[sidechain]anullsink`);
    mixed = "voice";
  } else if (musicLabel) {
    mixed = "music";
  } else {
    graph.push(`anullsrc=r=48000:cl=stereo,atrim=0:${D}[silence]`);
    mixed = "silence";
  }
  graph.push(`[${mixed}]asplit=2[out][measure]`, `[measure]loudnorm=I=${req.targetLufs}:TP=${req.truePeakDb}:LRA=11:print_format=json[measured]`);

  const mixFile = path.join(req.dir, "mix.wav");
  const log = await runFfmpeg(
    [...args, "-filter_complex", graph.join(";"), "-map", "[out]", "-c:a", "pcm_f32le", mixFile, "-map", "[measured]", "-f", "null", "-"],
    { signal: req.signal },
  );
  const measured = parseLoudnormJson(log);
  if (!Number.isFinite(measured.input_i) || measured.input_i < -70) {
    return { file: mixFile, voiceTempo, voiceTrimmed };
  }
  const normFile = path.join(req.dir, "normalised.wav");
  const loudnorm = [
    `loudnorm=I=${req.targetLufs}:TP=${req.truePeakDb}:LRA=11`,
    `measured_I=${measured.input_i}:measured_TP=${measured.input_tp}:measured_LRA=${measured.input_lra}`,
    `measured_thresh=${measured.input_thresh}:offset=${measured.target_offset}:linear=true:print_format=none`,
  ].join(":");
  await runFfmpeg(["-i", mixFile, "-af", `${loudnorm},${STEREO_48K},atrim=0:${D}`, "-c:a", "pcm_f32le", normFile], { signal: req.signal });
  return { file: normFile, measured, voiceTempo, voiceTrimmed };
}
