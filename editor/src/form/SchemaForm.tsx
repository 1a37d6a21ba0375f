/** A node's config form, generated from its JSON Schema (the node type's zod config). */
import type { CompileError } from "../../../schemas/index.js";
import type { JsonSchema } from "../graph/schema.js";
import { compilerIssues, configIssues, messagesByPath } from "./config-issues.js";
import { Field } from "./Field.js";

export function SchemaForm({
  schema,
  value,
  onChange,
  errors,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (key: string, value: unknown) => void;
  errors: CompileError[];
}) {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <div className="muted small">This node has no settings.</div>;
  // Own zod check first (typing), then the compiler's issues; each field shows its exact path.
  const messages = messagesByPath(configIssues(schema, value), compilerIssues(errors));
  return (
    <div className="schema-form">
      {props.map(([key, prop]) => (
        <Field
          key={key}
          name={key}
          path={key}
          schema={prop}
          root={schema}
          required={schema.required?.includes(key) ?? false}
          value={value[key]}
          onChange={(v) => onChange(key, v)}
          messages={messages}
        />
      ))}
    </div>
  );
}
