// The register's encryption at rest: the referral form and the free text of the register's rows
// (a decision's rationale, a note, a reason, a summary, a justification, a reviewer's name) are
// stored AES-256-GCM under the key ring (config/key-ring.ts) the payload codec uses.
//
// A sealed value is the text "v1:<key ID>:<IV, base64>:<ciphertext and tag, base64>". It is bound
// to where it is stored (its context: the table, the row's key and the field, as the additional
// authenticated data), so a value copied into another row does not open. What a report counts
// stays in clear: kinds, outcome words, stages, dates, obligation IDs.
//
// Nothing here logs a value or puts one in an error message: errors name the key ID only.
import { DecryptionError, safeKeyId, type KeyRing } from '../config/key-ring';
import { fieldsHoldingWords } from '../domain/decisions';

const SEALED = /^v1:([^:]{1,64}):([A-Za-z0-9+/]{16}):([A-Za-z0-9+/]+={0,2})$/;

function aad(context: string): Buffer {
  return Buffer.from(`ssi-register:${context}`, 'utf8');
}

/** Whether stored text is a sealed value (rather than text written before encryption). */
export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

/** The text sealed under the ring's current key, bound to its context. */
export function sealText(ring: KeyRing, plaintext: string, context: string): string {
  const { keyId, iv, ciphertext } = ring.seal(Buffer.from(plaintext, 'utf8'), aad(context));
  return `v1:${keyId}:${iv.toString('base64')}:${ciphertext.toString('base64')}`;
}

/** The text of a sealed value; DecryptionError (naming the key ID) if it does not open in this context. */
export function openText(ring: KeyRing, stored: string, context: string): string {
  const match = SEALED.exec(stored);
  if (!match) throw new DecryptionError(undefined, 'malformed');
  const [, keyId, iv, ciphertext] = match as unknown as [string, string, string, string];
  if (safeKeyId(keyId) === undefined) throw new DecryptionError(undefined, 'unknown-key');
  return ring.open(keyId, Buffer.from(iv, 'base64'), Buffer.from(ciphertext, 'base64'), aad(context)).toString('utf8');
}

// --- The register's rows --------------------------------------------------------------------------

/**
 * Fields of a row's detail that hold free text about a child or a person's name, sealed whatever the
 * row's kind: every field the decision tables say holds words or a name (domain/fields.ts), so a new
 * decision's words are sealed without a list to keep here. An improvement action's register rows
 * use the same names (owner, description, finding, evidence, requestedBy).
 */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = fieldsHoldingWords();

export type Detail = Record<string, string | number | boolean | null>;

const detailContext = (eventKey: string, field: string) => `register_event.detail:${eventKey}:${field}`;

/** The detail with its free-text fields sealed; the rest as given. */
export function sealDetail(ring: KeyRing, detail: Detail, eventKey: string): Detail {
  return Object.fromEntries(
    Object.entries(detail).map(([field, value]) => [field, FREE_TEXT_FIELDS.has(field) && typeof value === 'string' ? sealText(ring, value, detailContext(eventKey, field)) : value]),
  );
}

/**
 * The detail with its free-text fields opened. A free-text field that is not sealed (a row
 * written before the register was encrypted) is returned as stored.
 */
export function openDetail(ring: KeyRing, detail: Detail, eventKey: string): Detail {
  return Object.fromEntries(
    Object.entries(detail).map(([field, value]) => [
      field,
      FREE_TEXT_FIELDS.has(field) && typeof value === 'string' && isSealed(value) ? openText(ring, value, detailContext(eventKey, field)) : value,
    ]),
  );
}
