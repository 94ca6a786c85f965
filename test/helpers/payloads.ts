// Payloads built from a decision's own schema (zod introspection), for tests that go over every
// decision: only the fields a schema requires (every optional one left out), and every value of
// each choice. Text fields take the first of the given candidates their schema accepts.
import { z } from 'zod';

export interface Candidates {
  /** Text values to try for a text field, in order (a sentence, a sign-in ID, a date, an instant). */
  text: readonly string[];
  /** Text values that name a person: when one is taken, these are all tried. */
  people?: readonly string[];
}

/** Whether a schema takes no value at all (an optional field). */
export function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/**
 * Every payload worth trying for a schema: required fields only, every value of each choice.
 * `alsoRequired`: top-level fields the schema lets out but a rulebook requires (its contentRequired).
 */
export function payloadsFor(schema: z.ZodType, candidates: Candidates, alsoRequired: readonly string[] = []): unknown[] {
  if (isOptional(schema) && alsoRequired.length === 0) return [undefined];
  if (schema instanceof z.ZodObject) {
    let payloads: Record<string, unknown>[] = [{}];
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      // An optional field is left out: the case must go on without it.
      if (isOptional(field) && !alsoRequired.includes(key)) continue;
      const values = payloadsFor(field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field, candidates);
      payloads = payloads.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
    }
    return payloads;
  }
  if (schema instanceof z.ZodEnum) return [...schema.options];
  if (schema instanceof z.ZodBoolean) return [true, false];
  if (schema instanceof z.ZodArray) return payloadsFor(schema.element as z.ZodType, candidates).slice(0, 1).map((v) => [v]);
  const first = candidates.text.find((c) => schema.safeParse(c).success);
  if (first === undefined) throw new Error('no candidate value for a field: add one');
  return candidates.people?.includes(first) ? [...candidates.people] : [first];
}

/** A field of a schema, found by walking it: its path and its schema. */
export interface SchemaField {
  path: Array<string | number>;
  name: string;
  schema: z.ZodType;
}

/** Every field of an object schema, nested ones included (a list's first item stands for all). */
export function fieldsOf(schema: z.ZodType, path: Array<string | number> = []): SchemaField[] {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([name, field]) => [{ path: [...path, name], name, schema: field }, ...fieldsOf(field, [...path, name])]);
  }
  if (inner instanceof z.ZodArray) return fieldsOf(inner.element as z.ZodType, [...path, 0]);
  return [];
}
