/**
 * JSON.parse whose error never quotes the text: Node's message does (`Unexpected token 'r',
 * "root:x:0:0:"... is not valid JSON`), which would echo a file's first characters to whoever
 * named the file. The error says where (line, column) and what kind of problem, nothing more.
 */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "JsonTextError";
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = firstErrorOffset(text);
    if (at === undefined || at >= text.length) throw new JsonTextError("not valid JSON (it ends too early)");
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new JsonTextError(`not valid JSON (at line ${line} column ${column})`, line, column);
  }
}

/** Offset of the first character a JSON parser would reject (text.length when the text ends too early). */
function firstErrorOffset(s: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < s.length && " \t\n\r".includes(s[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (s[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < s.length && s[i] !== '"') {
      if (s.charCodeAt(i) < 0x20) fail();
      if (s[i] === "\\") {
        i++;
        if (s[i] === "u") {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(s[i + k] ?? "")) ((i += k), fail());
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? "x")) fail();
      }
      i++;
    }
    if (i >= s.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || !m[0] || m[0] === "-") fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === "{") {
      i++;
      ws();
      if (s[i] === "}") return void i++;
      for (;;) {
        ws();
        if (s[i] !== '"') fail();
        string();
        ws();
        if (s[i] !== ":") fail();
        i++;
        value();
        ws();
        if (s[i] === ",") i++;
        else if (s[i] === "}") return void i++;
        else fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (s[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ",") i++;
        else if (s[i] === "]") return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    fail();
  };
  try {
    value();
    ws();
    if (i < s.length) return i;
    return undefined;
  } catch (at) {
    return typeof at === "number" ? at : undefined;
  }
}
