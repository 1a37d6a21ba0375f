/**
 * One config field, its input chosen from the JSON Schema (select, colour picker, number with
 * range, toggle, text, list, nested object, JSON), with its label, help, default and messages.
 */
import type { ReactNode } from "react";
import { humanize } from "../lib/format.js";
import { enumValues, fieldKind, unwrapNullable, type JsonSchema } from "../graph/schema.js";
import { FileInput } from "../uploads/FileInput.js";
import { fileFieldAccept } from "../uploads/fields.js";
import { JsonInput, NumberInput } from "./inputs.js";
import { ListField } from "./ListField.js";

export interface FieldProps {
  name: string;
  path: string;
  schema: JsonSchema;
  root: JsonSchema;
  value: unknown;
  required: boolean;
  onChange: (value: unknown) => void;
  /** zod's messages (own check and the compiler's) by dotted path. */
  messages: (path: string) => string[];
  /** Hide the label (list items label themselves). */
  bare?: boolean;
}

export function Field(props: FieldProps) {
  const { schema: s0, root, value, name, path, required, onChange } = props;
  const { schema, nullable } = unwrapNullable(s0, root);
  const kind = fieldKind(schema, name);
  const label = schema.title ?? humanize(name);
  const hasDefault = schema.default !== undefined;
  // Only this exact path: nested messages show on their own fields.
  const messages = props.messages(path);
  const id = `f-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

  let input: ReactNode;
  // File fields (catalogue, product images, logo): upload or pick, and still type a path or URL.
  const fileAccept = kind === "text" || kind === "textarea" ? fileFieldAccept(schema, name) : null;
  switch (fileAccept ? "file" : kind) {
    case "file":
      input = (
        <FileInput
          id={id}
          accept={fileAccept!}
          value={typeof value === "string" ? value : undefined}
          placeholder={placeholder(schema)}
          testId={`file-${path}`}
          onChange={(v) => onChange(v === undefined && required ? "" : v)}
        />
      );
      break;
    case "enum": {
      const values = enumValues(schema) ?? [];
      input = (
        <select id={id} className="input" value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? undefined : values.find((v) => String(v) === e.target.value))}>
          {(value === undefined || !required || hasDefault) && <option value="">{hasDefault ? `Default (${String(schema.default)})` : "—"}</option>}
          {values.map((v) => (
            <option key={String(v)} value={String(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "color": {
      const v = typeof value === "string" ? value : typeof schema.default === "string" ? schema.default : "#000000";
      input = (
        <div className="color-field">
          <input type="color" aria-label={`${label} colour`} value={/^#[0-9a-f]{6}$/i.test(v) ? v : "#000000"} onChange={(e) => onChange(e.target.value)} />
          <input id={id} className="input" value={typeof value === "string" ? value : ""} placeholder={typeof schema.default === "string" ? schema.default : "#rrggbb"} onChange={(e) => onChange(e.target.value || undefined)} />
        </div>
      );
      break;
    }
    case "textarea":
      input = <textarea id={id} className="input" rows={3} value={typeof value === "string" ? value : ""} placeholder={placeholder(schema)} onChange={(e) => onChange(e.target.value === "" && !required ? undefined : e.target.value)} />;
      break;
    case "text":
      input = <input id={id} className="input" value={typeof value === "string" ? value : ""} placeholder={placeholder(schema)} onChange={(e) => onChange(e.target.value === "" && !required ? undefined : e.target.value)} />;
      break;
    case "number":
    case "integer":
      input = <NumberInput id={id} schema={schema} integer={kind === "integer"} value={typeof value === "number" ? value : undefined} onChange={onChange} />;
      break;
    case "boolean":
      input = (
        <label className="toggle">
          <input id={id} type="checkbox" checked={typeof value === "boolean" ? value : schema.default === true} onChange={(e) => onChange(e.target.checked)} />
          <span className="toggle-track" />
          <span className="toggle-text">{(typeof value === "boolean" ? value : schema.default === true) ? "On" : "Off"}</span>
        </label>
      );
      break;
    case "array":
      input = <ListField {...props} schema={schema} value={Array.isArray(value) ? value : undefined} />;
      break;
    case "object":
      input = (
        <div className="object-field">
          {Object.entries(schema.properties ?? {}).map(([k, p]) => (
            <Field
              key={k}
              name={k}
              path={`${path}.${k}`}
              schema={p}
              root={root}
              required={schema.required?.includes(k) ?? false}
              value={(value as Record<string, unknown> | undefined)?.[k]}
              messages={props.messages}
              onChange={(v) => {
                const next = { ...((value as Record<string, unknown>) ?? {}) };
                if (v === undefined) delete next[k];
                else next[k] = v;
                onChange(next);
              }}
            />
          ))}
        </div>
      );
      break;
    default:
      input = <JsonInput id={id} value={value} onChange={onChange} />;
  }

  return (
    <div className={`field ${messages.length ? "field-invalid" : ""}`} data-field={path}>
      {!props.bare && (
        <div className="field-head">
          <label className="field-label" htmlFor={id}>
            {label}
            {required && !hasDefault && <span className="field-required">*</span>}
          </label>
          {value !== undefined && (hasDefault || !required) && (
            <button className="link-btn" onClick={() => onChange(undefined)} title={hasDefault ? `Reset to ${JSON.stringify(schema.default)}` : "Clear"}>
              {hasDefault ? "reset" : "clear"}
            </button>
          )}
          {nullable && value !== null && <span className="field-hint">optional</span>}
        </div>
      )}
      {input}
      {schema.description && !props.bare && <div className="field-help">{schema.description}</div>}
      {messages.map((m) => (
        <div className="field-error" key={m} data-testid="field-error">
          {m}
        </div>
      ))}
    </div>
  );
}

function placeholder(s: JsonSchema): string | undefined {
  if (typeof s.default === "string") return s.default;
  if (Array.isArray(s.examples) && typeof s.examples[0] === "string") return `e.g. ${s.examples[0]}`;
  return undefined;
}
