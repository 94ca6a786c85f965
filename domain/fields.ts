// What each field a person sends means, said once, where the field is declared: the decision
// tables (domain/decision-table.ts, domain/action.ts) build every field with `field()`, giving its
// meaning and its purpose in the procedure's words. Everything else is derived from that:
// - a refusal names a missing or wrong field and says what to send (its purpose, domain/errors.ts);
// - the time checks (an instant in the past, a date done, a planned date: domain/decisions.ts);
// - which words the register seals (free text and names: register/crypto.ts);
// - what the timeline keeps (the decision's own words and the names it gives: domain/incident.ts);
// - the OpenAPI document's description of the field (its purpose, as the schema's description).
// A field without a meaning fails test/unit/decision-fields.test.ts.
import { z } from 'zod';

export type FieldMeaning =
  /** Words typed by staff about the child or the case: sealed in the register, kept in the timeline. */
  | 'free-text'
  /** A person's name the case keeps (the reviewer's, published with the report, §14.4): sealed in the register, kept in the timeline. */
  | 'person-name'
  /** When something happened: between the referral's receipt and now. */
  | 'instant-past'
  /** The date something was done: not after today in London, not before the referral's London date. */
  | 'date-done'
  /** A clock's true date or instant (a correction): not in the future; it may precede the referral. */
  | 'date-corrected'
  /** A date planned ahead: not before today in London, and within PLANNED_WITHIN_YEARS. */
  | 'date-planned'
  /** A date set by the decision (a meeting's): the rules of the stage judge it, not the clock. */
  | 'date-set'
  /** A person's sign-in ID: what lets them act on the case. */
  | 'sign-in-id'
  /** A reference another body gave (the Panel's). */
  | 'reference'
  /** One of a fixed set of words. */
  | 'choice'
  /** true or false. */
  | 'flag'
  /** A list of items, each with fields of their own. */
  | 'list';

export interface FieldMeta {
  meaning: FieldMeaning;
  /** What to send, in the procedure's words: "the reasons for the decision, as the record will keep them". */
  purpose: string;
}

/**
 * The fields' meanings. A zod registry holds its schemas weakly: the schemas are built when a
 * payload is checked and not kept (DecisionRule.schema), and neither are their entries.
 */
const FIELDS = z.registry<FieldMeta>();

/** A field: its schema, what it means and what it is for. The purpose is its description too. */
export function field<S extends z.ZodType>(schema: S, meaning: FieldMeaning, purpose: string): S {
  const described = schema.meta({ description: purpose }) as S;
  FIELDS.add(described, { meaning, purpose });
  return described;
}

/** The meaning of a field, looking through optional, nullable, default and pipe wrappers. */
export function fieldMetaOf(schema: z.ZodType): FieldMeta | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const meta = FIELDS.get(current);
    if (meta) return meta;
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    current = def.innerType ?? def.in;
  }
  return undefined;
}

/** The field at a payload path (names and list positions) within an object schema, if it is one. */
export function fieldAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = unwrapped(current);
    if (current instanceof z.ZodObject && typeof key === 'string') current = (current.shape as Record<string, z.ZodType>)[key];
    else if (current instanceof z.ZodArray && typeof key === 'number') current = current.element as z.ZodType;
    else return undefined;
    if (!current) return undefined;
  }
  return current;
}

/** Every named field of an object schema, those of its lists' items and nested objects included. */
export function namedFields(schema: z.ZodType): Array<{ name: string; path: string[]; schema: z.ZodType; meta: FieldMeta | undefined }> {
  const out: Array<{ name: string; path: string[]; schema: z.ZodType; meta: FieldMeta | undefined }> = [];
  const walk = (s: z.ZodType, path: string[]) => {
    const inner = unwrapped(s);
    const items = inner instanceof z.ZodArray ? unwrapped(inner.element as z.ZodType) : inner;
    if (!(items instanceof z.ZodObject)) return;
    for (const [name, child] of Object.entries(items.shape as Record<string, z.ZodType>)) {
      out.push({ name, path: [...path, name], schema: child, meta: fieldMetaOf(child) });
      walk(child, [...path, name]);
    }
  };
  walk(schema, []);
  return out;
}

/** Through the wrappers a field may have (optional, nullable, default, pipe) to what it holds. */
function unwrapped(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const next = def.innerType ?? def.in;
    if (!next) return current;
    current = next;
  }
  return current;
}
