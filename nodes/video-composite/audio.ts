/**
 * The ad's soundtrack, mixed in one audio-only pass before the picture: the voice-over delayed to its
 * start and fitted to the time it has (sped up a little, then trimmed), over the music bed ducked
 * under the voice by a sidechain compressor. The same pass measures the mix (EBU R128 integrated
 * loudness and true peak, ebur128). Normalisation is then one linear gain to the target (-14 LUFS by
 * default) with a true-peak limiter, applied inside the picture render (`normaliseFilter`), so it
 * costs no pass of its own and never pumps the way dynamic normalisation does.
 */
import path from "node:path";
import { runFfmpeg } from "../../lib/media/ffmpeg.js";
import { parseEbur128Summary } from "../../lib/media/loudness.js";
import { musicBedSource } from "../../lib/media/music-bed.js";

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
  /** The mix, not yet normalised: apply `normaliseFilter` when encoding. */
  file: string;
  /** Integrated loudness of the mix (LUFS); undefined for silence. */
  measuredLufs?: number;
  truePeakDb?: number;
  /** Audio filter chain that brings the mix to the target loudness, true peak limited. */
  normaliseFilter: string;
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
  graph.push(`[${mixed}]asplit=2[out][measure]`, `[measure]ebur128=framelog=verbose:peak=true[measured]`);

  const mixFile = path.join(req.dir, "mix.wav");
  const log = await runFfmpeg(
    [...args, "-filter_complex", graph.join(";"), "-map", "[out]", "-c:a", "pcm_f32le", mixFile, "-map", "[measured]", "-f", "null", "-"],
    { signal: req.signal },
  );
  const summary = parseEbur128Summary(log);
  if (!Number.isFinite(summary.integrated) || summary.integrated < -70) {
    return { file: mixFile, normaliseFilter: "anull", voiceTempo, voiceTrimmed };
  }
  const gainDb = req.targetLufs - summary.integrated;
  const limit = 10 ** (req.truePeakDb / 20);
  return {
    file: mixFile,
    measuredLufs: summary.integrated,
    truePeakDb: summary.truePeak,
    // level=0: alimiter must only catch peaks, not re-level the signal.
    normaliseFilter: `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(4)}:attack=5:release=60:level=0,${STEREO_48K}`,
    voiceTempo,
    voiceTrimmed,
  };
}
