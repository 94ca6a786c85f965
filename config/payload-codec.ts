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
import { DecryptionError, IV_BYTES, safeKeyId, TAG_BYTES, type KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';

// Buffer rather than TextDecoder: metadata can come from another realm (the SDK's native bridge
// under Jest), which TextDecoder refuses.
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const fromUtf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encodeOne(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  encodeOne(payload: Payload): Payload {
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
