import { useState } from "react";
import { Dialog } from "./Dialog.js";

/** Ask for a name (new graph, rename, version label). */
export function NamePrompt(props: {
  title: string;
  label: string;
  initial?: string;
  confirm: string;
  allowEmpty?: boolean;
  onSubmit: (value: string) => void;
  onClose: () => void;
}) {
  const [value, setValue] = useState(props.initial ?? "");
  const valid = props.allowEmpty || value.trim().length > 0;
  const submit = () => valid && props.onSubmit(value.trim());
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      actions={
        <>
          <button className="btn btn-ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button className="btn btn-primary" disabled={!valid} onClick={submit}>
            {props.confirm}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">{props.label}</span>
        <input
          className="input"
          value={value}
          maxLength={200}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && submit()}
        />
        {!valid && <span className="field-error">A name is required</span>}
      </label>
    </Dialog>
  );
}
