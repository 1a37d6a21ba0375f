import { createRequire } from "node:module";
import path from "node:path";

/**
 * drawtext needs a TTF file and a fresh machine may have no system fonts, so we ship DejaVu
 * (npm `dejavu-fonts-ttf`, Bitstream Vera licence). Brand font names are mapped onto the closest
 * shipped family; `resolved` tells the caller when that was a substitution so it can say so.
 */
const require = createRequire(import.meta.url);
const TTF_DIR = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

export interface ResolvedFont {
  file: string;
  family: string;
  /** True when the brand asked for a font we do not ship. */
  substituted: boolean;
}

export function resolveFont(name: string | undefined, weight: "regular" | "bold" = "bold"): ResolvedFont {
  const n = (name ?? "").toLowerCase();
  let family = "DejaVuSans";
  if (n.includes("mono") || n.includes("code") || n.includes("courier")) family = "DejaVuSansMono";
  else if (n.includes("serif") && !n.includes("sans")) family = n.includes("condensed") ? "DejaVuSerifCondensed" : "DejaVuSerif";
  else if (n.includes("condensed") || n.includes("narrow")) family = "DejaVuSansCondensed";
  const file = path.join(TTF_DIR, `${family}${weight === "bold" ? "-Bold" : ""}.ttf`);
  const substituted = n !== "" && !n.replace(/[\s_-]/g, "").includes("dejavu");
  return { file, family, substituted };
}

/** Rough advance width of DejaVu Sans Bold per em, for wrapping text before drawtext measures it. */
export const AVERAGE_CHAR_WIDTH_EM = 0.62;

/** Greedy word wrap into lines of at most `maxChars` characters (a long word gets a line of its own). */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && (line + " " + word).length > maxChars) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}
