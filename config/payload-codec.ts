// The payload codec: every payload the worker and the clients hand to Temporal (workflow input,
// update arguments and results, query answers, activity input and output, memo, encoded failure
// attributes) is stored by the server encrypted, AES-256-GCM under the key ring's current key.
//
// An encrypted payload is { metadata: { encoding: "binary/encrypted", "encryption-key-id": <id> },
// data: <12-byte IV> <ciphertext of the original Payload message> <16-byte tag> }. It is decoded
// by the key its metadata names, so payloads encrypted before a rotation still decode while their
// key stays in the ring. A payload that is not encrypted passes through unchanged (histories
// recorded before the codec). Node only: never imported by workflow code.
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { isUserMetadataText } from '../domain/case-details';
import { DecryptionError, IV_BYTES, safeKeyId, TAG_BYTES, type KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';

// Buffer rather than TextDecoder: metadata can come from another realm (the SDK's native bridge
// under Jest), which TextDecoder refuses.
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const fromUtf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

const JSON_PLAIN = 'json/plain';

/**
 * What the Temporal UI shows without the codec (README, "Operations: the Temporal UI"). SDK 1.24
 * sends user metadata through the codec like any payload, with nothing to tell it apart: a
 * workflow's static summary and a timer's or an activity's summary are each a bare JSON string, and
 * the current details are the answer to the built-in __temporal_workflow_metadata query. They are
 * built from the case reference, the stage, obligation IDs, dates, counts and roles only
 * (domain/case-details.ts), so they stay in clear: a bare string only when it is one of those
 * summaries (isUserMetadataText, by its opening words), any other string is encrypted.
 * test/e2e/temporal-ui-metadata.test.ts finds no other payload in clear in a case's history.
 */
export function readableWithoutCodec(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || fromUtf8(encoding) !== JSON_PLAIN || !payload.data?.length) return false;
  const data = payload.data;
  if (data[0] === 0x22 /* " */) {
    try {
      const text = JSON.parse(fromUtf8(data)) as unknown;
      return typeof text === 'string' && isUserMetadataText(text);
    } catch {
      return false;
    }
  }
  if (data[0] !== 0x7b /* { */ || !fromUtf8(data.subarray(0, 24)).startsWith('{"definition":{"type":"')) return false;
  try {
    const answer = JSON.parse(fromUtf8(data)) as Record<string, unknown>;
    return Object.keys(answer).sort().join(',') === 'currentDetails,definition' && typeof answer.currentDetails === 'string';
  } catch {
    return false;
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encodeOne(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  encodeOne(payload: Payload): Payload {
    if (readableWithoutCodec(payload)) return payload;
    const { keyId, iv, ciphertext } = this.ring.seal(temporal.api.common.v1.Payload.encode(payload).finish());
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA_KEY]: utf8(keyId) },
      data: Buffer.concat([iv, ciphertext]),
    };
  }

  decodeOne(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || fromUtf8(encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA_KEY];
    const keyId = keyIdBytes ? fromUtf8(keyIdBytes) : undefined;
    if (keyId === undefined || safeKeyId(keyId) === undefined) throw new DecryptionError(undefined, 'unknown-key');
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new DecryptionError(keyId, 'malformed');
    const plaintext = this.ring.open(keyId, data.subarray(0, IV_BYTES), data.subarray(IV_BYTES));
    try {
      return temporal.api.common.v1.Payload.decode(plaintext);
    } catch {
      throw new DecryptionError(keyId, 'malformed');
    }
  }
}
