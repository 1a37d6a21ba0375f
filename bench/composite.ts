/**
 * Composite benchmark: a 15 s 1080p ad in 9:16, 16:9 and 1:1 through video.composite (the node's
 * whole job: soundtrack passes, the render, storing and probing the outputs) versus the same work as
 * one hand-written ffmpeg command (single-pass loudnorm, nothing stored). Inputs come from the local
 * demo pipeline and are made before the clock starts.
 *
 * Goal from the issue: wall-time ratio node / hand-written at most 1.2.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connectDatabase, migrate, startEmbeddedPostgres } from "../db/index.js";
import { createMediaStorage } from "../services/storage.js";
import { filesForWorkspace } from "../engine/files.js";
import { outboundRequest } from "../lib/net/index.js";
import type { MediaRef } from "../schemas/index.js";
import type { Brand, Product } from "../schemas/content.js";
import { assetSource } from "../nodes/asset-source/definition.js";
import { imageGenerate } from "../nodes/image-generate/definition.js";
import { filterValue, runFfmpeg } from "../lib/media/ffmpeg.js";
import { resolveFont } from "../lib/media/fonts.js";
import { musicBedSource } from "../lib/media/music-bed.js";
import { promptParse } from "../nodes/prompt-parse/definition.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import { speechSynthesize } from "../nodes/speech-synthesize/definition.js";
import type { NodeContext, NodeDefinition } from "../nodes/contract.js";
import { videoComposite } from "../nodes/video-composite/definition.js";
import { videoFromImage } from "../nodes/video-from-image/definition.js";

const DURATION = 15;
const FPS = 30;
const SIZES = [
  ["9:16", 1080, 1920],
  ["16:9", 1920, 1080],
  ["1:1", 1080, 1080],
] as const;

export async function benchComposite(opts: { url?: string; home?: string } = {}): Promise<Record<string, number | string>> {
  const home = opts.home ?? (await mkdtemp(path.join(os.tmpdir(), "genjed-bench-composite-")));
  const pg = opts.url ? null : await startEmbeddedPostgres(path.join(home, "pg"));
  const database = connectDatabase(opts.url ?? pg!.url, { max: 4 });
  try {
    await migrate(database);
    const storage = createMediaStorage({ root: path.join(home, "media"), sql: database.sql, tempRoot: path.join(home, "tmp") });
    const scope = storage.scope();
    const ctx: NodeContext = {
      runId: "bench",
      nodeId: "bench",
      item: "",
      attempt: 1,
      idempotencyKey: "bench",
      log: (m) => process.env.BENCH_VERBOSE && process.stderr.write(`${m}\n`),
      progress: () => {},
      cost: () => {},
      storage: scope,
      signal: new AbortController().signal,
      provider: ((kind: string) => {
        if (kind !== "local") throw new Error("the composite benchmark runs offline");
        return createLocalProvider(ctx);
      }) as NodeContext["provider"],
      secrets: { get: () => undefined },
      files: filesForWorkspace(database.sql, scope, null),
      fetch: outboundRequest,
      suspend: (payload) => ({ __suspend: true, payload }),
      resumeState: null,
      checkpoint: async () => {},
    };
    const run = async (def: NodeDefinition<any, any>, inputs: Record<string, unknown>, config: unknown) =>
      (await def.run(inputs, def.config.parse(config), ctx)) as Record<string, unknown>;

    // --- inputs (not timed): the local demo pipeline for one product
    const assets = await run(assetSource, {}, { limit: 1 });
    const product = (assets.products as Product[])[0];
    const brand = assets.brand as Brand;
    const parsed = await run(promptParse, { product, brand }, { viewCount: 3, sceneSec: 4 });
    const clips: MediaRef[] = [];
    for (const [i, shot] of (parsed.shots as unknown[]).entries()) {
      const { image } = await run(imageGenerate, { prompt: shot, product, brand }, {});
      const { video } = await run(videoFromImage, { image, scene: (parsed.scenes as unknown[])[i] }, { resolution: "1080p" });
      clips.push(video as MediaRef);
    }
    const voice = (await run(speechSynthesize, { text: parsed.voiceover }, {})).audio as MediaRef;
    const texts = parsed.texts as { headline: string; cta: string; disclaimer: string };

    const dir = await scope.tempDir();
    const args = handWrittenCommand({
      clips: clips.map((c) => storage.path(c.hash)),
      voice: storage.path(voice.hash),
      brand,
      productName: product.name,
      texts,
      dir,
    });
    const timed = async (work: () => Promise<unknown>) => {
      const t0 = performance.now();
      await work();
      return (performance.now() - t0) / 1000;
    };
    // Alternate node and command, best of two each: the machine is shared, so one slow run says little.
    const nodeRuns: number[] = [];
    const handRuns: number[] = [];
    for (let i = 0; i < 2; i++) {
      nodeRuns.push(
        await timed(() => run(videoComposite, { clips, voiceover: voice, brand, texts, product }, { durationSec: DURATION, fps: FPS, resolution: "1080p", quality: "standard" })),
      );
      handRuns.push(await timed(() => runFfmpeg(args)));
    }
    await scope.dispose();
    const nodeSec = Math.min(...nodeRuns);
    const handSec = Math.min(...handRuns);

    return {
      "composite 15s 1080p x3: node wall s": round(nodeSec),
      "composite 15s 1080p x3: one ffmpeg command wall s": round(handSec),
      "composite wall-time ratio (node / hand-written, goal <= 1.2)": round(nodeSec / handSec),
      "composite video seconds rendered per wall second": round((DURATION * SIZES.length) / nodeSec),
    };
  } finally {
    await database.close();
    await pg?.stop();
    if (!opts.home) await rm(home, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const hex = (c: string) => `0x${c.slice(1)}`;

/**
 * What a person would type for this ad: 1.5 s intro card, three 3.67 s clips dipping through the
 * background colour, 2.5 s outro card, headline and disclaimer overlays, voice over a ducked
 * synthesised bed with single-pass loudnorm, three outputs.
 */
function handWrittenCommand(o: { clips: string[]; voice: string; brand: Brand; productName: string; texts: { headline: string; cta: string; disclaimer: string }; dir: string }): string[] {
  const c = o.brand.colors;
  const bold = filterValue(resolveFont(o.brand.fonts.heading, "bold").file);
  const regular = filterValue(resolveFont(o.brand.fonts.body, "regular").file);
  const esc = (s: string) => filterValue(s);
  const clipSec = (DURATION - 1.5 - 2.5) / o.clips.length;
  const f: string[] = [];
  o.clips.forEach((_, i) => {
    f.push(`[${i}:v]fps=${FPS},trim=duration=${clipSec.toFixed(4)},setpts=PTS-STARTPTS,split=3[c${i}a][c${i}b][c${i}c]`);
  });
  f.push(`${musicBedSource(DURATION, 1)},aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=-8dB,afade=t=in:d=0.8,afade=t=out:st=${DURATION - 1.5}:d=1.5[music]`);
  f.push(`[${o.clips.length}:a]aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,adelay=750|750,apad,atrim=0:${DURATION},asplit[voice][sc]`);
  f.push(`[music][sc]sidechaincompress=threshold=0.02:ratio=7.3:attack=15:release=350[ducked]`);
  f.push(`[voice][ducked]amix=inputs=2:duration=first,loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000,asplit=3[a0][a1][a2]`);
  SIZES.forEach(([, W, H], k) => {
    const s = Math.min(W, H);
    const lbl = ["a", "b", "c"][k];
    f.push(
      `color=c=${hex(c.background)}:s=${W}x${H}:r=${FPS}:d=1.5,drawtext=fontfile=${bold}:text=${esc(o.brand.name)}:fontsize=${Math.round(s * 0.1)}:fontcolor=${hex(c.primary)}:x=(w-text_w)/2:y=h*0.4,drawtext=fontfile=${regular}:text=${esc(o.productName)}:fontsize=${Math.round(s * 0.055)}:fontcolor=${hex(c.primary)}:x=(w-text_w)/2:y=h*0.53,fade=t=in:d=0.5[intro${k}]`,
    );
    o.clips.forEach((_, i) => {
      f.push(
        `[c${i}${lbl}]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1,fade=t=in:d=0.4:color=${hex(c.background)},fade=t=out:st=${(clipSec - 0.4).toFixed(3)}:d=0.4:color=${hex(c.background)}[v${i}${lbl}]`,
      );
    });
    f.push(
      `color=c=${hex(c.primary)}:s=${W}x${H}:r=${FPS}:d=2.5,drawtext=fontfile=${bold}:text=${esc(o.texts.cta)}:fontsize=${Math.round(s * 0.06)}:fontcolor=${hex(c.accent)}:x=(w-text_w)/2:y=h*0.47,drawtext=fontfile=${regular}:text=${esc(o.brand.name)}:fontsize=${Math.round(s * 0.045)}:fontcolor=${hex(c.text)}:x=(w-text_w)/2:y=h*0.7,fade=t=in:d=0.4:color=${hex(c.background)}[outro${k}]`,
    );
    const segs = [`[intro${k}]`, ...o.clips.map((_, i) => `[v${i}${lbl}]`), `[outro${k}]`].join("");
    f.push(
      `${segs}concat=n=${o.clips.length + 2}:v=1:a=0,drawtext=fontfile=${bold}:text=${esc(o.texts.headline)}:fontsize=${Math.round(s * 0.07)}:fontcolor=${hex(c.text)}:box=1:boxcolor=${hex(c.primary)}@0.88:boxborderw=20:x=(w-text_w)/2:y=h*0.08:enable='between(t,1.8,9)',drawtext=fontfile=${regular}:text=${esc(o.texts.disclaimer)}:fontsize=${Math.round(s * 0.026)}:fontcolor=white:box=1:boxcolor=black@0.35:x=(w-text_w)/2:y=h*0.95:enable='gte(t,1.5)',format=yuv420p[out${k}]`,
    );
  });
  const args = [...o.clips.flatMap((clip) => ["-stream_loop", "-1", "-t", (clipSec + 0.5).toFixed(3), "-i", clip]), "-i", o.voice, "-filter_complex", f.join(";")];
  SIZES.forEach(([aspect], k) => {
    args.push(
      "-map", `[out${k}]`, "-map", `[a${k}]`,
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p", "-r", String(FPS),
      "-c:a", "aac", "-b:a", "192k", "-t", String(DURATION), "-movflags", "+faststart",
      path.join(o.dir, `hand-${aspect.replace(":", "x")}.mp4`),
    );
  });
  return args;
}
