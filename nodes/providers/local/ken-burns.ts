/**
 * The local image-to-video renderer: Ken Burns motion with ffmpeg's zoompan, the move chosen from
 * the scene's camera direction and scaled by the motion intensity, eased so it starts and ends gently.
 */
import { runFfmpeg } from "../../../lib/media/ffmpeg.js";
import type { CameraMove } from "../../../schemas/content.js";

export const KEN_BURNS_RENDERER = "local-kenburns/1 (ffmpeg zoompan)";

export interface KenBurnsRequest {
  input: string;
  output: string;
  width: number;
  height: number;
  fps: number;
  durationSec: number;
  camera: CameraMove;
  /** 0..1 */
  motion: number;
  signal?: AbortSignal;
  onProgress?: (f: number) => void;
}

export function kenBurnsExpressions(camera: CameraMove, motion: number, frames: number): { z: string; x: string; y: string } {
  const m = Math.min(1, Math.max(0, motion));
  const p = `(on/${Math.max(1, frames - 1)})`;
  const e = `(${p}*${p}*(3-2*${p}))`; // smoothstep easing
  const zMax = (1 + 0.04 + 0.32 * m).toFixed(4);
  const zPan = (1 + 0.12 + 0.2 * m).toFixed(4);
  const cx = "(iw-iw/zoom)/2";
  const cy = "(ih-ih/zoom)/2";
  switch (camera) {
    case "zoom_in":
      return { z: `1+(${zMax}-1)*${e}`, x: cx, y: cy };
    case "zoom_out":
      return { z: `${zMax}-(${zMax}-1)*${e}`, x: cx, y: cy };
    case "pan_left": // the camera moves left: the frame slides from the right part to the left part
      return { z: zPan, x: `(iw-iw/zoom)*(1-${e})`, y: cy };
    case "pan_right":
      return { z: zPan, x: `(iw-iw/zoom)*${e}`, y: cy };
    case "pan_up":
      return { z: zPan, x: cx, y: `(ih-ih/zoom)*(1-${e})` };
    case "pan_down":
      return { z: zPan, x: cx, y: `(ih-ih/zoom)*${e}` };
    case "orbit":
      return {
        z: `${zPan}+0.04*sin(PI*${p})`,
        x: `${cx}*(1+0.85*sin(2*PI*${p}))`,
        y: `${cy}*(1-0.6*cos(2*PI*${p}))`,
      };
    case "static":
      return { z: `1+${(0.03 * m + 0.005).toFixed(4)}*${e}`, x: cx, y: cy };
  }
}

export async function renderKenBurns(req: KenBurnsRequest): Promise<void> {
  const frames = Math.max(1, Math.round(req.durationSec * req.fps));
  const { z, x, y } = kenBurnsExpressions(req.camera, req.motion, frames);
  // zoompan crops whole input pixels, so work on an upscaled copy to keep the motion smooth.
  const factor = Math.max(1, Math.min(2, 4096 / Math.max(req.width, req.height)));
  const sw = Math.round((req.width * factor) / 2) * 2;
  const sh = Math.round((req.height * factor) / 2) * 2;
  const vf = [
    `scale=${sw}:${sh}:force_original_aspect_ratio=increase`,
    `crop=${sw}:${sh}`,
    `zoompan=z='${z}':x='${x}':y='${y}':d=${frames}:s=${req.width}x${req.height}:fps=${req.fps}`,
    "setsar=1",
    "format=yuv420p",
  ].join(",");
  await runFfmpeg(
    [
      "-i", req.input,
      "-vf", vf,
      "-frames:v", String(frames),
      "-r", String(req.fps),
      "-an",
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
      "-movflags", "+faststart",
      req.output,
    ],
    { signal: req.signal, totalSec: req.durationSec, onProgress: req.onProgress },
  );
}
