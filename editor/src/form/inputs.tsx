/**
 * Inputs whose text can be half-typed ("1.", "-", "{"): they keep a local draft while focused and
 * write to the shared doc only values that parse.
 */
import { useEffect, useState } from "react";
import type { JsonSchema } from "../graph/schema.js";

export function NumberInput({ id, schema, integer, value, onChange }: { id: string; schema: JsonSchema; integer: boolean; value: number | undefined; onChange: (v: unknown) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : undefined);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : undefined);
  const step = schema.multipleOf ?? (integer ? 1 : "any");
  const slider = min !== undefined && max !== undefined && max > min && (integer ? max - min <= 1000 : max - min <= 1000);
  const shown = draft ?? (value === undefined ? "" : String(value));
  const commit = (text: string) => {
    setDraft(text);
    if (text.trim() === "") return onChange(undefined);
    const n = Number(text);
    if (Number.isFinite(n)) onChange(n);
  };
  return (
    <div className="number-field">
      {slider && (
        <input
          type="range"
          aria-label="slider"
          min={min}
          max={max}
          step={step === "any" ? (max! - min!) / 100 : step}
          value={value ?? (typeof schema.default === "number" ? schema.default : min)}
          onChange={(e) => onChange(integer ? Math.round(Number(e.target.value)) : Number(e.target.value))}
        />
      )}
      <input
        id={id}
        className="input"
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={shown}
        placeholder={typeof schema.default === "number" ? String(schema.default) : undefined}
        onChange={(e) => commit(e.target.value)}
        onBlur={() => setDraft(null)}
      />
    </div>
  );
}

export function JsonInput({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const text = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(text);
  const [error, setError] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(text);
  }, [text, focused]);
  return (
    <>
      <textarea
        id={id}
        className="input mono"
        rows={Math.min(10, Math.max(3, draft.split("\n").length))}
        value={draft}
        onFocus={() => setFocused(true)}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim() === "") {
            setError(null);
            return onChange(undefined);
          }
          try {
            const v = JSON.parse(e.target.value);
            setError(null);
            onChange(v);
          } catch (err) {
            setError(`Not valid JSON yet: ${(err as Error).message}`);
          }
        }}
        onBlur={() => setFocused(false)}
      />
      {error && <div className="field-error">{error}</div>}
    </>
  );
}
