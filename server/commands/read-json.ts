/**
 * Reading a graph or inputs file for the CLI commands. It lives here rather than in cli.ts so the
 * commands do not import the entry point that loads them (cli.ts runs main() on import).
 */
import { readFile } from "node:fs/promises";
import { JsonTextError, parseJsonText } from "../../lib/files/index.js";
import { ConfigError } from "../config.js";

/** Read and parse a JSON file, with an error that names the file and what is wrong. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return parseJsonText(text);
  } catch (e) {
    // Where, never what: the file's text is not echoed.
    throw new ConfigError(`${file} is ${e instanceof JsonTextError ? e.message : "not valid JSON"}`);
  }
}
