import { describe, expect, it } from "vitest";
import { JsonTextError, parseJsonText } from "./json.js";

const message = (text: string) => {
  try {
    parseJsonText(text);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonTextError);
    return (e as Error).message;
  }
  throw new Error("parsed");
};

describe("parseJsonText", () => {
  it("parses JSON", () => {
    expect(parseJsonText('{"a":[1,2,{"b":"c\\u00e9"}],"d":-1.5e3}')).toEqual({ a: [1, 2, { b: "cé" }], d: -1500 });
  });

  it("says where the error is and never quotes the text", () => {
    expect(message("root:x:0:0:root:/root:/bin/bash\n")).toBe("not valid JSON (at line 1 column 1)");
    expect(message('{"a": 1,\n  "b": secret}')).toBe("not valid JSON (at line 2 column 8)");
    expect(message('[1, 2,]')).toBe("not valid JSON (at line 1 column 7)");
    expect(message('{"a": 1} trailing')).toBe("not valid JSON (at line 1 column 10)");
    expect(message('{"a": ')).toBe("not valid JSON (it ends too early)");
    expect(message("")).toBe("not valid JSON (it ends too early)");
    expect(message("PRIVATE KEY-----")).not.toContain("PRIVATE");
  });
});
