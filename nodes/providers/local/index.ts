/**
 * The `local` provider: offline, deterministic and free, so a new user runs the whole demo graph at
 * $0. It is honest about what it is: every output's meta.renderer names the local renderer.
 */
import path from "node:path";
import { PermanentNodeError, type NodeContext } from "../../contract.js";
import type { GenerationProvider } from "../types.js";
import { CameraMoveSchema } from "../../../schemas/content.js";
import { renderKenBurns, KEN_BURNS_RENDERER } from "./ken-burns.js";
import { renderStudioShot, STUDIO_RENDERER } from "./studio-image.js";
import { synthesizeWithEspeak } from "./speech.js";

export const LOCAL_MODELS = { image: "studio", video: "kenburns", speech: "espeak-ng" } as const;

export function createLocalProvider(ctx: NodeContext): GenerationProvider {
  return {
    name: "local",

    async generateImage(req) {
      if (req.referenceImage && req.referenceImage.kind !== "image") {
        throw new PermanentNodeError(`reference image must be an image, got a ${req.referenceImage.kind} (${req.referenceImage.mime})`);
      }
      const shot = await renderStudioShot({
        aspectRatio: req.aspectRatio,
        seed: req.seed ?? 0,
        view: req.view ?? "front",
        palette: req.palette ?? [],
        productFile: req.referenceImage ? ctx.storage.path(req.referenceImage.hash) : undefined,
      });
      if (shot.note) ctx.log(`local image: ${shot.note}`, "warn");
      const image = await ctx.storage.put(shot.jpeg, {
        mime: "image/jpeg",
        meta: { renderer: STUDIO_RENDERER, view: req.view ?? "front", seed: req.seed ?? 0, prompt: req.prompt },
      });
      ctx.cost(0, "local studio shot");
      return { image, model: LOCAL_MODELS.image };
    },

    async imageToVideo(req) {
      if (req.image.kind !== "image") throw new PermanentNodeError(`video.fromImage needs an image, got a ${req.image.kind} (${req.image.mime})`);
      const camera = CameraMoveSchema.safeParse(req.camera ?? "zoom_in");
      if (!camera.success) throw new PermanentNodeError(`unknown camera movement ${JSON.stringify(req.camera)}; use one of ${CameraMoveSchema.options.join(", ")}`);
      const srcW = Number(req.image.meta.width ?? 1024);
      const srcH = Number(req.image.meta.height ?? 1024);
      const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
      const width = even(req.width ?? srcW);
      const height = even(req.height ?? (req.width ? (req.width * srcH) / srcW : srcH));
      const dir = await ctx.storage.tempDir();
      const output = path.join(dir, "clip.mp4");
      await renderKenBurns({
        input: ctx.storage.path(req.image.hash),
        output,
        width,
        height,
        fps: req.fps,
        durationSec: req.durationSec,
        camera: camera.data,
        motion: req.motion,
        signal: ctx.signal,
        onProgress: (f) => ctx.progress(f * 0.95),
      });
      const video = await ctx.storage.put({ path: output }, { mime: "video/mp4", meta: { renderer: KEN_BURNS_RENDERER, camera: camera.data } });
      ctx.cost(0, "local Ken Burns clip");
      return { video, model: LOCAL_MODELS.video };
    },

    async synthesizeSpeech(req) {
      const dir = await ctx.storage.tempDir();
      const { file, renderer } = await synthesizeWithEspeak(req, dir, ctx.signal);
      const audio = await ctx.storage.put({ path: file }, { mime: "audio/wav", meta: { renderer, language: req.language, voice: req.voice } });
      ctx.cost(0, "local espeak-ng speech");
      return { audio, model: LOCAL_MODELS.speech };
    },

    async completeJson() {
      throw new PermanentNodeError(
        "the local provider has no language model: use the rule-based prompt parser (provider local) or the replicate provider",
        "PROVIDER_UNSUPPORTED",
      );
    },
  };
}
