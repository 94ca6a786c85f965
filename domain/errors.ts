import type { z } from 'zod';
import { fieldAt, fieldMetaOf } from './fields';

/**
 * Why a decision was refused. Thrown as ApplicationFailure.create({ type, nonRetryable: true })
 * from update validators; the API maps the type to an HTTP status and never forwards other text.
 */
export const REFUSALS = {
  WrongStage: 409,
  CaseClosed: 409,
  /** The same Idempotency-Key was used for another decision or body. */
  IdempotencyKeyReused: 422,
  /** The request reached the case after the API had stopped waiting: nothing was applied. */
  RequestExpired: 503,
  /** The deadline computation did not answer in time: nothing was applied. */
  DeadlineUnavailable: 503,
  AlreadyMet: 409,
  RoleNotAllowed: 403,
  /** The person may not read this case (a reviewer not commissioned on it): answered as a case that does not exist. */
  CaseNotFound: 404,
  InvalidDecision: 422,
  /** An improvement action the person may not see (another agency's), or none by that reference. */
  ActionNotFound: 404,
  /** The action is completed or withdrawn. */
  ActionClosed: 409,
  /** §9.2: an extension asked for by anyone but the owning agency's Chief Officer. */
  ExtensionNotAllowed: 422,
} as const;
export type Refusal = keyof typeof REFUSALS;

export function isRefusal(type: string | undefined | null): type is Refusal {
  return type !== undefined && type !== null && Object.prototype.hasOwnProperty.call(REFUSALS, type);
}

/** A problem with submitted data: where, and what is wrong, never the value itself. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * A payload's zod issues as problems a person can act on: each names the field (a position counted
 * from 1), says what is wrong and what to send (the field's purpose, from the schema it was checked
 * with: domain/fields.ts), and lists the allowed values of a choice; never the value sent. `input`
 * is what was sent, to tell a missing field from a wrong one.
 */
export function zodProblems(error: z.ZodError, input?: unknown, schema?: z.ZodType): Problem[] {
  const at = (path: PropertyKey[]) => path.map(pathSegment).join('.') || '(body)';
  return error.issues.map((issue) =>
    // An unknown key is the sender's own text, whatever it looks like (a field's name misspelt, or
    // a name): it is pointed at by where it is, never repeated. One problem per object.
    issue.code === 'unrecognized_keys'
      ? {
          path: at([...issue.path, UNKNOWN_KEY]),
          message: `${issue.keys.length === 1 ? 'A field is' : `${issue.keys.length} fields are`} not part of ${issue.path.length ? fieldLabel(issue.path) : 'this request'}: remove ${issue.keys.length === 1 ? 'it' : 'them'} (check the spelling)`,
        }
      : { path: at(issue.path), message: explain(issue, input, schema) },
  );
}

/** The words for one issue: "<field> ..." in plain English. */
function explain(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType | undefined): string {
  const field = fieldLabel(issue.path);
  // An item of a list is sent for what the list is for.
  const named = issue.path.slice(0, issue.path.length - [...issue.path].reverse().findIndex((s) => typeof s === 'string'));
  const at = schema && named.length > 0 ? fieldAt(schema, named) : undefined;
  const purpose = at ? fieldMetaOf(at)?.purpose : undefined;
  const send = purpose ? `: send ${purpose}` : '';
  const missing = input !== undefined && valueAt(input, issue.path) === undefined;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return `${field} is missing${send}`;
      return `${field} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}${send}`;
    case 'invalid_value': {
      const choices = issue.values.map((v) => String(v)).join(', ');
      return missing ? `${field} is missing${send}; it must be one of: ${choices}` : `${field} must be one of: ${choices}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? `${field} is empty${send}` : `${field} must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `${field} needs at least ${issue.minimum}${send}`;
      return `${field} must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `${field} is longer than ${issue.maximum} characters: shorten it`;
      if (issue.origin === 'array') return `${field} may have at most ${issue.maximum}`;
      return `${field} must be at most ${issue.maximum}`;
    case 'invalid_format':
    case 'custom':
      // Our own wording (domain/instants.ts, a field's regex message: "must ...", "is ..."), or a
      // whole sentence of ours (the referral form's checks); zod's own ("Invalid string: ...") is replaced.
      if (/^(must|is|are) /.test(issue.message)) return `${field} ${issue.message}`;
      if (!issue.message.startsWith('Invalid')) return issue.message;
      return `${field} is not in the expected form${send}`;
    default:
      return `${field} is not valid${send}`;
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object of fields',
  number: 'a number',
};

/** Lists whose items a person counts: "actions" → "action 3". */
const ITEM_WORDS: Readonly<Record<string, string>> = { actions: 'action', children: 'child', agencies: 'agency' };

/** A field as a person reads it: its name, and the list items it is in, counted from 1. */
function fieldLabel(path: PropertyKey[]): string {
  const parts: string[] = [];
  path.forEach((segment, i) => {
    if (typeof segment === 'number') {
      const list = path[i - 1];
      const item = typeof list === 'string' ? ITEM_WORDS[list] : undefined;
      parts.push(item ? `${item} ${segment + 1}` : `item ${segment + 1}`);
      return;
    }
    if (typeof path[i + 1] === 'number' && typeof segment === 'string' && ITEM_WORDS[segment]) return;
    parts.push(pathSegment(segment));
  });
  if (parts.length === 0) return 'The body';
  const [last, ...context] = parts.reverse();
  return context.length ? `${last} (${context.reverse().join(', ')})` : last!;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[segment];
  }
  return v;
}

const UNKNOWN_KEY = '\u0000';

/**
 * A path's segment as an answer may show it: an index, or the name of a field the schema has (a
 * path only leads through keys the schema matched). Anything else shows as "(a key)".
 */
function pathSegment(segment: PropertyKey): string {
  if (typeof segment === 'number') return String(segment);
  return typeof segment === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(segment) ? segment : '(a key)';
}
