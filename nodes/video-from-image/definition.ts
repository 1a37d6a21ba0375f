/**
 * video.fromImage: an image (+ a scene from prompt.parse) -> a clip. local: Ken Burns motion with
 * ffmpeg; replicate: Stable Video Diffusion, Wan, MiniMax...
 */
import { z } from "zod";
import { CameraMoveSchema, SceneSchema } from "../../schemas/content.js";
import { RESOLUTIONS } from "../../lib/media/aspect.js";
import { checkModels, estimateGeneration, generatingNode, generationFields, modelKey } from "../shared/generation-config.js";
import { notesFor, revisionNotesField, withRevisionNotes } from "../shared/revision.js";
import { defineNode } from "../contract.js";

const DEFAULT_MODEL = "stable-video-diffusion";

export const VideoFromImageConfigSchema = z
  .strictObject({
    ...generationFields("video", DEFAULT_MODEL),
    durationSec: z.number().min(0.5).max(30).optional().describe("Clip length in seconds; default: the scene's, else 4"),
    fps: z.union([z.literal(24), z.literal(25), z.literal(30), z.literal(60)]).default(30).describe("Frames per second"),
    camera: z.enum(["auto", ...CameraMoveSchema.options]).default("auto").describe("Camera movement; auto: the scene's"),
    motion: z.number().min(0).max(1).optional().describe("Motion intensity 0..1; default: the scene's, else 0.5"),
    resolution: z
      .enum(["source", "480p", "720p", "1080p"])
      .default("720p")
      .describe("Short side of the clip (keeps the image's aspect ratio); source: the image's own size"),
    revisionNotes: revisionNotesField(),
  })
  .superRefine(checkModels("video"));
export type VideoFromImageConfig = z.output<typeof VideoFromImageConfigSchema>;

export const videoFromImage = defineNode({
  type: "video.fromImage",
  version: 1,
  title: "Image to video",
  category: "Generation",
  description: "Animates an image into a short clip following a scene's camera movement.",
  ...generatingNode,
  inputs: [
    { name: "image", type: "image" },
    { name: "scene", type: "json", required: false, schema: SceneSchema, description: "A scene from prompt.parse: {prompt, camera, motion, durationSec}" },
  ],
  outputs: [{ name: "video", type: "video" }],
  config: VideoFromImageConfigSchema,
  // Remote image-to-video is the slowest generation (the provider itself waits up to 30 min).
  timeoutMs: 45 * 60_000,
  estimate: (config) =>
    estimateGeneration(config, "video", DEFAULT_MODEL, { localSeconds: 1 + (config.durationSec ?? 4) * 0.6, videoSeconds: config.durationSec ?? 4 }),
  async run(inputs, config, ctx) {
    const { image, scene } = inputs;
    const srcW = Number(image.meta.width ?? 1024);
    const srcH = Number(image.meta.height ?? 1024);
    let width: number | undefined;
    let height: number | undefined;
    if (config.resolution !== "source") {
      const short = RESOLUTIONS[config.resolution];
      const even = (n: number) => Math.round(n / 2) * 2;
      [width, height] = srcW >= srcH ? [even((short * srcW) / srcH), short] : [short, even((short * srcH) / srcW)];
    }
    const provider = ctx.provider(config.provider);
    const result = await provider.imageToVideo({
      image,
      prompt: scenePrompt(scene?.prompt, notesFor(config.revisionNotes, ctx.item)),
      durationSec: config.durationSec ?? scene?.durationSec ?? 4,
      fps: config.fps,
      motion: config.motion ?? scene?.motion ?? 0.5,
      camera: config.camera === "auto" ? (scene?.camera ?? "zoom_in") : config.camera,
      width,
      height,
      model: modelKey(config, "video", DEFAULT_MODEL),
    });
    ctx.log(`clip by ${provider.name}/${result.model}`);
    return { video: result.video };
  },
});

/** The scene's motion prompt with reviewer notes added (the notes alone when the scene has none). */
function scenePrompt(prompt: string | undefined, notes: string[]): string | undefined {
  if (notes.length === 0) return prompt;
  return prompt ? withRevisionNotes(prompt, notes) : `Reviewer notes: ${notes.join("; ")}`;
}
