import { describe, expect, it } from "vitest";
import { csvToRows, parseCsv } from "./csv.js";

describe("catalogue CSV", () => {
  it("parses quotes, doubled quotes, CRLF and newlines inside quotes", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"\nthere'],
    ]);
    expect(() => parseCsv('a\n"open')).toThrow(/closing " is missing/);
  });

  it("maps columns onto rows: images split on |, attr.* columns into attributes, empty cells left out", () => {
    const rows = csvToRows("\uFEFFid,name,price,images,attr.colour,attr.size\n1,Shoe,10,a.png|b.png,red,\n");
    expect(rows).toEqual([{ id: "1", name: "Shoe", price: "10", images: "a.png|b.png", attributes: { colour: "red" } }]);
  });
});
