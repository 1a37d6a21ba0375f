/**
 * The product registry: every finished node type. A node that is not done is not listed here.
 */
import { analyticsCollect } from "./analytics-collect/definition.js";
import { assetSource } from "./asset-source/definition.js";
import { imageGenerate } from "./image-generate/definition.js";
import { promptParse } from "./prompt-parse/definition.js";
import { publishChannel } from "./publish-channel/definition.js";
import { qaGate } from "./qa-gate/definition.js";
import { NodeRegistry } from "./registry.js";
import { reviewHuman } from "./review-human/definition.js";
import { speechSynthesize } from "./speech-synthesize/definition.js";
import type { NodeDefinition } from "./contract.js";
import { videoComposite } from "./video-composite/definition.js";
import { videoFromImage } from "./video-from-image/definition.js";

export const productNodes: NodeDefinition<any, any>[] = [
  assetSource,
  promptParse,
  imageGenerate,
  videoFromImage,
  speechSynthesize,
  videoComposite,
  qaGate,
  reviewHuman,
  publishChannel,
  analyticsCollect,
];

export function createProductRegistry(): NodeRegistry {
  return new NodeRegistry(productNodes);
}

export const productRegistry = createProductRegistry();
