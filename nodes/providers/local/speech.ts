/**
 * The local speech renderer: espeak-ng. First the WASM build (npm `espeak-ng`, GPL-3.0, an optional
 * dependency so the project's own licence is untouched when it is absent), then an `espeak-ng`
 * binary on PATH (Debian's package). Neither present: a clear error saying how to install one.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PermanentNodeError } from "../../contract.js";
import type { SpeechRequest } from "../types.js";

export const SPEECH_RENDERER_WASM = "local-espeak-ng/1 (espeak-ng WASM)";
export const SPEECH_RENDERER_BINARY = "local-espeak-ng/1 (espeak-ng binary)";

export const ESPEAK_MISSING_MESSAGE =
  "local speech needs espeak-ng, which is not installed: run `npm install espeak-ng` (an optional dependency, GPL-3.0) " +
  "or `apt-get install espeak-ng`, or switch speech.synthesize to the replicate provider";

const VOICES: Record<SpeechRequest["language"], string> = { en: "en-us", da: "da", de: "de", sv: "sv" };

/** espeak-ng voice name: language plus a female/male variant. */
export function espeakVoice(language: SpeechRequest["language"], voice: SpeechRequest["voice"]): string {
  return `${VOICES[language]}+${voice === "female" ? "f3" : "m3"}`;
}

export function espeakArgs(req: SpeechRequest, textFile: string, wavFile: string): string[] {
  const wpm = Math.round(Math.min(2, Math.max(0.5, req.speed ?? 1)) * 160);
  return ["-b", "1", "-v", espeakVoice(req.language, req.voice), "-s", String(wpm), "-w", wavFile, "-f", textFile];
}

type EspeakFactory = (opts: Record<string, unknown>) => Promise<{ FS: { readFile(p: string): Uint8Array; writeFile(p: string, d: string): void } }>;

let wasmFactory: Promise<EspeakFactory | null> | undefined;

function loadWasm(): Promise<EspeakFactory | null> {
  wasmFactory ??= import(/* optional dependency */ "espeak-ng" as string)
    .then((m: { default: EspeakFactory }) => m.default)
    .catch(() => null);
  return wasmFactory;
}

let binaryPresent: Promise<boolean> | undefined;

function hasBinary(): Promise<boolean> {
  binaryPresent ??= new Promise((resolve) => {
    const child = spawn("espeak-ng", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
  return binaryPresent;
}

/** Speak `req.text` into a WAV file in `dir`; returns the file and which renderer made it. */
export async function synthesizeWithEspeak(req: SpeechRequest, dir: string, signal?: AbortSignal): Promise<{ file: string; renderer: string }> {
  const text = req.text.trim();
  if (!text) throw new PermanentNodeError("speech text is empty: there is nothing to say");
  const wav = path.join(dir, "speech.wav");
  const factory = await loadWasm();
  if (factory) {
    // Text goes in through a file in the module's memory FS, never as argv, so it can't read as options.
    const mod = await factory({
      arguments: espeakArgs(req, "/in.txt", "/out.wav"),
      noInitialRun: false,
      print: () => {},
      printErr: () => {},
      preRun: [
        (m: { FS: { writeFile(p: string, d: string): void } }) => m.FS.writeFile("/in.txt", text),
      ],
    });
    await writeFile(wav, mod.FS.readFile("/out.wav"));
    return { file: wav, renderer: SPEECH_RENDERER_WASM };
  }
  if (await hasBinary()) {
    const textFile = path.join(dir, "speech.txt");
    await writeFile(textFile, text);
    await new Promise<void>((resolve, reject) => {
      const child = spawn("espeak-ng", espeakArgs(req, textFile, wav), { stdio: ["ignore", "ignore", "pipe"], signal });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`espeak-ng exited with ${code}: ${err.trim()}`))));
    });
    return { file: wav, renderer: SPEECH_RENDERER_BINARY };
  }
  throw new PermanentNodeError(ESPEAK_MISSING_MESSAGE, "PROVIDER_UNAVAILABLE");
}
