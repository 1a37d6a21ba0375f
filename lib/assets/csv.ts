/**
 * Catalogue CSV: RFC 4180 fields (quotes, doubled quotes, CRLF, newlines inside quotes). Columns map
 * onto product rows: `images` holds paths/URLs separated by `|` (or `image` holds one), and columns
 * named `attr.<name>` or `attributes.<name>` become attributes.
 */

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error("the CSV ends inside a quoted field (a closing \" is missing)");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/** CSV text -> raw row objects (still unvalidated), keyed by the header row. */
export function csvToRows(text: string): Record<string, unknown>[] {
  const [header, ...body] = parseCsv(text);
  if (!header) return [];
  const cols = header.map((h) => h.trim());
  return body.map((cells) => {
    const row: Record<string, unknown> = {};
    const attributes: Record<string, string> = {};
    cols.forEach((col, i) => {
      const value = (cells[i] ?? "").trim();
      const attr = /^(?:attr|attributes)\.(.+)$/.exec(col);
      if (attr) {
        if (value !== "") attributes[attr[1]] = value;
      } else if (value !== "") row[col] = value;
    });
    if (Object.keys(attributes).length) row.attributes = attributes;
    return row;
  });
}
