/**
 * Revision notes: what a reviewer's "revise" decision sends back to an upstream generating node.
 * The review queue patches them into that node's config for the run (engine retryNode/resetFrom)
 * and the node adds the notes that concern its item to its prompt.
 *
 * Each note names the review item it came from. Items are fan-out paths, aligned on their leading
 * levels, so a note applies to a generator item when one path is a prefix of the other: a review of
 * product "1" revises the images "1.0", "1.1"...; a generator that runs once ("") takes every note.
 */
import { z } from "zod";

export const RevisionNoteSchema = z.object({
  item: z.string().default(""),
  notes: z.string().min(1),
  reviewer: z.string().optional(),
});
export type RevisionNote = z.infer<typeof RevisionNoteSchema>;

/** The config field a node adds to accept revisions (the review queue looks for this name). */
export const REVISION_NOTES_FIELD = "revisionNotes";

export const revisionNotesField = () =>
  z
    .array(RevisionNoteSchema)
    .default([])
    .describe("Reviewer notes from human review (set by a 'revise' decision); added to the prompt of the items they concern");

const isPrefix = (a: string, b: string) => a === "" || a === b || b.startsWith(`${a}.`);

/** The notes that concern one execution item, oldest first. */
export function notesFor(notes: readonly RevisionNote[] | undefined, item: string): string[] {
  return (notes ?? []).filter((n) => isPrefix(n.item, item) || isPrefix(item, n.item)).map((n) => n.notes.trim());
}

/** A prompt with the reviewer's notes appended, in the order they were given. */
export function withRevisionNotes(prompt: string, notes: readonly string[]): string {
  if (notes.length === 0) return prompt;
  return `${prompt}. Reviewer notes: ${notes.join("; ")}`;
}
