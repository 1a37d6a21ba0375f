/** A node's outputs: images, playable video and audio from /media, and the rest as JSON. */
import type { SyntheticEvent } from "react";
import type { MediaRef } from "../../../schemas/index.js";
import { findMedia, mediaUrl } from "./media.js";

function stripMedia(v: unknown): unknown {
  const media = findMedia(v, 1);
  if (!media.length) return v;
  const walk = (x: unknown): unknown => {
    if (x === null || typeof x !== "object") return x;
    if (findMedia(x, 1).length && "hash" in (x as object) && "mime" in (x as object)) {
      const m = x as MediaRef;
      return `‹${m.kind} ${m.mime}${m.meta?.width ? ` ${m.meta.width}×${m.meta.height}` : ""}${m.meta?.durationSec ? ` ${m.meta.durationSec.toFixed(1)}s` : ""}›`;
    }
    return Array.isArray(x) ? x.map(walk) : Object.fromEntries(Object.entries(x).map(([k, vv]) => [k, walk(vv)]));
  };
  return walk(v);
}

/**
 * Ads open on a fade from the brand colour, so the first frame is a flat colour: show a frame a
 * second in as the poster, and start from the beginning when played.
 */
function showPosterFrame(e: SyntheticEvent<HTMLVideoElement>) {
  const v = e.currentTarget;
  if (v.currentTime === 0 && v.paused && Number.isFinite(v.duration)) {
    v.dataset.poster = "1";
    v.currentTime = Math.min(1, v.duration / 3);
  }
}

function rewindPosterFrame(e: SyntheticEvent<HTMLVideoElement>) {
  const v = e.currentTarget;
  if (v.dataset.poster === "1") {
    delete v.dataset.poster;
    v.currentTime = 0;
  }
}

export function MediaView({ media }: { media: MediaRef }) {
  const url = mediaUrl(media);
  const caption = [media.mime, media.meta?.width ? `${media.meta.width}×${media.meta.height}` : null, media.meta?.durationSec ? `${media.meta.durationSec.toFixed(1)} s` : null, media.meta?.renderer ? `by ${String(media.meta.renderer)}` : null]
    .filter(Boolean)
    .join(" · ");
  return (
    <figure className="media-view">
      {media.kind === "image" ? (
        <a href={url} target="_blank" rel="noreferrer">
          <img src={url} alt={caption} loading="lazy" />
        </a>
      ) : media.kind === "video" ? (
        <video src={url} controls playsInline preload="metadata" data-testid="output-video" onLoadedMetadata={showPosterFrame} onPlay={rewindPosterFrame} />
      ) : media.kind === "audio" ? (
        <audio src={url} controls preload="metadata" data-testid="output-audio" />
      ) : (
        <a href={url} target="_blank" rel="noreferrer">
          Download file
        </a>
      )}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

export function OutputView({ outputs }: { outputs: unknown[] }) {
  if (!outputs.length) return <div className="muted small">No output yet.</div>;
  const media = findMedia(outputs, 24);
  const rest = stripMedia(outputs.length === 1 ? outputs[0] : outputs);
  return (
    <div className="output-view" data-testid="output-view">
      {media.length > 0 && (
        <div className="media-grid">
          {media.map((m) => (
            <MediaView key={m.hash} media={m} />
          ))}
        </div>
      )}
      <details className="json-details" open={media.length === 0}>
        <summary>JSON</summary>
        <pre className="json">{JSON.stringify(rest, null, 2)}</pre>
      </details>
    </div>
  );
}
