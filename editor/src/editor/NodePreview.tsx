/** A small preview of a node's latest output on the canvas (first image or video, or a count). */
import { findMedia, mediaUrl, thumbUrl } from "../runs/media.js";

export function NodePreview({ outputs }: { outputs: unknown[] }) {
  const media = findMedia(outputs, 9);
  if (!media.length) return null;
  const first = media[0];
  return (
    <div className="node-preview nodrag">
      {first.kind === "video" ? (
        // #t=1: the first frame of an ad is often a fade from the brand colour; show one with content.
        <video src={`${mediaUrl(first)}#t=1`} muted loop playsInline preload="metadata" className="node-preview-media" onMouseEnter={(e) => void e.currentTarget.play().catch(() => {})} onMouseLeave={(e) => e.currentTarget.pause()} />
      ) : first.kind === "audio" ? (
        <audio src={mediaUrl(first)} controls preload="none" className="node-preview-audio" />
      ) : thumbUrl(first) ? (
        <img src={thumbUrl(first)} alt="" loading="lazy" className="node-preview-media" />
      ) : null}
      {media.length > 1 && <span className="node-preview-count">+{media.length - 1}</span>}
    </div>
  );
}
