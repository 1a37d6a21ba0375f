/** A list config field: add, remove and reorder entries; enum lists become checkboxes. */
import { emptyValue, enumValues, unwrapNullable, type JsonSchema } from "../graph/schema.js";
import { Field, type FieldProps } from "./Field.js";

export function ListField(props: FieldProps & { value: unknown[] | undefined }) {
  const { schema, root, path, onChange } = props;
  const list = props.value ?? [];
  const itemSchema: JsonSchema = schema.items ?? {};
  const choices = enumValues(unwrapNullable(itemSchema, root).schema);
  if (choices) {
    return (
      <div className="checks">
        {choices.map((c) => (
          <label key={String(c)} className="check">
            <input
              type="checkbox"
              checked={list.includes(c)}
              onChange={(e) => onChange(e.target.checked ? [...list, c] : list.filter((x) => x !== c))}
            />
            {String(c)}
          </label>
        ))}
      </div>
    );
  }
  const set = (i: number, v: unknown) => onChange(list.map((x, j) => (j === i ? v : x)));
  const move = (i: number, d: number) => {
    const next = [...list];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x);
    onChange(next);
  };
  return (
    <div className="list-field">
      {list.length === 0 && <div className="muted small">Empty list.</div>}
      {list.map((item, i) => (
        <div className="list-item" key={i}>
          <div className="list-item-head">
            <span className="list-index">#{i + 1}</span>
            <span className="spacer" />
            <button className="link-btn" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Move up">
              ↑
            </button>
            <button className="link-btn" disabled={i === list.length - 1} onClick={() => move(i, 1)} aria-label="Move down">
              ↓
            </button>
            <button className="link-btn danger" onClick={() => onChange(list.filter((_, j) => j !== i))} aria-label={`Remove item ${i + 1}`}>
              remove
            </button>
          </div>
          <Field {...props} bare name={`${props.name}[${i}]`} path={`${path}.${i}`} schema={itemSchema} value={item} required onChange={(v) => set(i, v)} />
        </div>
      ))}
      <button className="btn btn-small" onClick={() => onChange([...list, emptyValue(itemSchema, root)])} disabled={schema.maxItems !== undefined && list.length >= schema.maxItems}>
        + Add
      </button>
    </div>
  );
}
