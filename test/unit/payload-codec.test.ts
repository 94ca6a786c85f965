// The payload codec (config/payload-codec.ts) and its key ring (config/key-ring.ts): AES-256-GCM,
// the key ID in the metadata, rotation, pass-through of plain payloads, tampering and unknown keys
// refused naming the key ID only, key configuration refused naming the variable only. Then on the
// time-skipping server: a case's raw history holds none of the referral's or a decision's text.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { Client } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';

import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ConfigError, loadEnv } from '../../config';
import { createKeyFileIfMissing, DecryptionError, KeyRing, loadKeyRing, parseKeyRing } from '../../config/key-ring';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA_KEY } from '../../config/payload-codec';
import { startWorker } from '../../workers/main';
import { statusQuery } from '../../workflows/contract';
import { validReferralForm } from '../fixtures/referral-form';
import { actors, decide, startCase, startHarness, type Harness } from '../helpers/harness';
import { formValues } from '../helpers/plaintext';
import { testKey, TEST_DATA_CONVERTER, TEST_KEY_RING } from '../helpers/keys';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** A payload as the default JSON converter makes it. */
function jsonPayload(value: unknown): Payload {
  return { metadata: { [METADATA_ENCODING_KEY]: utf8('json/plain') }, data: utf8(JSON.stringify(value)) };
}

const SECRET = { child: 'Codec Test Child', postcode: 'ZZ99 9ZZ' };
const k1 = testKey('unit-k1');
const k2 = testKey('unit-k2');
const ringK1 = new KeyRing('k1', { k1 });

describe('the codec', () => {
  const codec = new EncryptionCodec(ringK1);

  test('round trip: what it encodes decodes to the same payload', async () => {
    const payloads: Payload[] = [jsonPayload(SECRET), jsonPayload(null), { metadata: { [METADATA_ENCODING_KEY]: utf8('binary/null') } }];
    const decoded = await codec.decode(await codec.encode(payloads));
    // (Protobuf does not tell an absent data field from an empty one.)
    const shown = (p: Payload) => ({ metadata: p.metadata, data: text(p.data) ?? '' });
    expect(decoded.map(shown)).toEqual(payloads.map(shown));
  });

  test('the encoded payload says binary/encrypted and names its key ID; the data is not readable', async () => {
    const [encoded] = await codec.encode([jsonPayload(SECRET)]);
    expect(Object.keys(encoded!.metadata!).sort()).toEqual([KEY_ID_METADATA_KEY, METADATA_ENCODING_KEY].sort());
    expect(text(encoded!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded!.metadata![KEY_ID_METADATA_KEY])).toBe('k1');
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain(SECRET.child);
    // A random IV each time: the same value never encrypts the same way twice.
    const [again] = await codec.encode([jsonPayload(SECRET)]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encoded!.data!))).toBe(false);
    expect(Buffer.from(again!.data!).subarray(0, 12).equals(Buffer.from(encoded!.data!).subarray(0, 12))).toBe(false);
  });

  test('rotation: encoded under k1, the ring rotated to k2, old payloads still decode and new ones use k2', async () => {
    const old = await new EncryptionCodec(new KeyRing('k1', { k1 })).encode([jsonPayload(SECRET)]);
    const rotated = new EncryptionCodec(new KeyRing('k1', { k1, k2 }).withCurrent('k2'));
    expect(text((await rotated.decode(old))[0]!.data)).toBe(JSON.stringify(SECRET));
    const [fresh] = await rotated.encode([jsonPayload(SECRET)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA_KEY])).toBe('k2');
    // k1 alone cannot read what k2 encrypted.
    await expect(codec.decode([fresh!])).rejects.toThrow('Encrypted data names key ID "k2", which is not in the key ring');
  });

  test('a payload that is not encrypted passes through unchanged (histories recorded before the codec)', async () => {
    const plain = [jsonPayload(SECRET), {}, { data: utf8('no metadata') }];
    const decoded = await codec.decode(plain);
    decoded.forEach((p, i) => expect(p).toBe(plain[i]));
  });

  test('tampered data, or data moved under another key ID, fails naming the key ID only', async () => {
    const [encoded] = await codec.encode([jsonPayload(SECRET)]);
    for (const index of [0, 12, encoded!.data!.length - 1]) {
      const data = Buffer.from(encoded!.data!);
      data[index] = data[index]! ^ 1;
      const attempt = codec.decode([{ ...encoded!, data }]);
      await expect(attempt).rejects.toBeInstanceOf(DecryptionError);
      await expect(attempt).rejects.toThrow('Encrypted data under key ID "k1" could not be decrypted (wrong key or altered data)');
    }
    const two = new EncryptionCodec(new KeyRing('k1', { k1, k2 }));
    const relabelled = { metadata: { ...encoded!.metadata, [KEY_ID_METADATA_KEY]: utf8('k2') }, data: encoded!.data };
    await expect(two.decode([relabelled])).rejects.toThrow('Encrypted data under key ID "k2" could not be decrypted (wrong key or altered data)');
    await expect(codec.decode([{ ...encoded!, data: Buffer.from(encoded!.data!).subarray(0, 20) }])).rejects.toThrow('Encrypted data under key ID "k1" is malformed');
  });

  test('an unknown key ID fails naming only the ID; a missing or malformed one names none', async () => {
    const [encoded] = await new EncryptionCodec(new KeyRing('k9', { k9: k2 })).encode([jsonPayload(SECRET)]);
    const error = (await codec.decode([encoded!]).catch((e: unknown) => e)) as DecryptionError;
    expect(error).toBeInstanceOf(DecryptionError);
    expect(error.message).toBe('Encrypted data names key ID "k9", which is not in the key ring');
    expect(error.keyId).toBe('k9');
    const strange = { metadata: { ...encoded!.metadata, [KEY_ID_METADATA_KEY]: utf8(`${SECRET.child} <script>`) }, data: encoded!.data };
    await expect(codec.decode([strange])).rejects.toThrow('Encrypted data names no valid key ID, which is not in the key ring');
    const none = { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING) }, data: encoded!.data };
    await expect(codec.decode([none])).rejects.toThrow('Encrypted data names no valid key ID, which is not in the key ring');
  });

  test('the key ring never shows its keys when printed or serialised', () => {
    const ring = new KeyRing('k1', { k1, k2 });
    const shown = [JSON.stringify(ring), String(ring), inspect(ring), JSON.stringify({ ring })].join('\n');
    for (const key of [k1, k2]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ currentKeyId: 'k1', keyIds: ['k1', 'k2'] });
  });

  test('error messages and stack traces are encoded into the failure, and the codec encrypts them', async () => {
    const converter = loadDataConverter(TEST_DATA_CONVERTER);
    const failure = await encodeErrorToFailure(converter, new Error(`refused for ${SECRET.child}`));
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(text(failure.encodedAttributes?.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(JSON.stringify(failure)).not.toContain(SECRET.child);
    expect(Buffer.from(failure.encodedAttributes!.data!).toString('latin1')).not.toContain(SECRET.child);
    expect((await decodeOptionalFailureToOptionalError(converter, failure))?.message).toBe(`refused for ${SECRET.child}`);
  });
});

describe('key configuration', () => {
  const b64 = (key: Buffer) => key.toString('base64');
  const config = (value: unknown) => JSON.stringify(value);
  const good = config({ current: 'k2', keys: { k1: b64(k1), k2: b64(k2) } });

  /** The ConfigError thrown, checked to carry no key material and none of the text. */
  function refusal(load: () => unknown, ...mustNotShow: string[]): string {
    let error: unknown;
    try {
      load();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const s of [b64(k1), b64(k2), ...mustNotShow]) expect(message).not.toContain(s);
    return message;
  }

  test('PAYLOAD_KEYS: a ring with its current key', () => {
    const ring = loadKeyRing({ PAYLOAD_KEYS: good, PAYLOAD_KEY_FILE: '/nonexistent/never-read.json' });
    expect(ring.currentKeyId).toBe('k2');
    expect(ring.keyIds).toEqual(['k1', 'k2']);
    // The ring decodes what a ring of the same keys encoded.
    const sealed = new KeyRing('k1', { k1 }).seal(utf8('x'));
    expect(text(ring.open('k1', sealed.iv, sealed.ciphertext))).toBe('x');
  });

  test.each([
    ['not JSON (a truncated one with a key in it)', `{"current":"k1","keys":{"k1":"${b64(k1)}"`, 'PAYLOAD_KEYS is not valid JSON'],
    ['a key that is not 32 bytes', config({ current: 'k1', keys: { k1: b64(k1.subarray(0, 16)) } }), 'PAYLOAD_KEYS: keys.k1: must be 32 bytes, base64-encoded'],
    ['a key in hex', config({ current: 'k1', keys: { k1: k1.toString('hex') } }), 'PAYLOAD_KEYS: keys.k1: must be 32 bytes, base64-encoded'],
    ['a current key that is not there', config({ current: 'k3', keys: { k1: b64(k1) } }), 'PAYLOAD_KEYS: current: names no key in "keys"'],
    ['no keys', config({ current: 'k1' }), 'PAYLOAD_KEYS: keys: must be an object of key ID to key'],
    ['a key ID that could be key material', config({ current: 'k1', keys: { k1: b64(k1), [k2.toString('hex')]: b64(k2) } }), 'PAYLOAD_KEYS: keys.?: every key ID must be 1 to 32 letters, digits, ".", "_", "-"'],
    ['an array', config([b64(k1)]), 'PAYLOAD_KEYS: (root): must be a JSON object {"current": ..., "keys": {...}}'],
  ])('PAYLOAD_KEYS with %s stops with a message naming the variable only', (_what, value, message) => {
    expect(refusal(() => loadKeyRing({ PAYLOAD_KEYS: value, PAYLOAD_KEY_FILE: '/nonexistent' }), value, k1.toString('hex'), k2.toString('hex'))).toBe(message);
  });

  test('an empty PAYLOAD_KEYS is refused by the environment schema, naming it', () => {
    expect(refusal(() => loadEnv({ PAYLOAD_KEYS: '' }))).toMatch(/^environment: PAYLOAD_KEYS: /);
  });

  test('PAYLOAD_KEY_FILE: read when PAYLOAD_KEYS is unset; missing or malformed, it stops naming the variable and the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-keys-'));
    const file = path.join(dir, 'keys.json');
    expect(loadEnv({}).PAYLOAD_KEY_FILE).toMatch(/[/\\]\.data[/\\]payload-keys\.json$/);
    expect(refusal(() => loadKeyRing({ PAYLOAD_KEY_FILE: file }))).toBe(
      `PAYLOAD_KEY_FILE (${file}) does not exist: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE (npm start creates a development key file)`,
    );
    const broken = `{"current":"k1","keys":{"k1":"${b64(k1)}",}}`;
    writeFileSync(file, broken, { mode: 0o600 });
    expect(refusal(() => loadKeyRing({ PAYLOAD_KEY_FILE: file }), broken)).toBe(`PAYLOAD_KEY_FILE (${file}) is not valid JSON`);
    writeFileSync(file, good);
    expect(loadKeyRing({ PAYLOAD_KEY_FILE: file }).currentKeyId).toBe('k2');
  });

  test('the worker stops before connecting when its key is malformed, naming the variable', async () => {
    const value = config({ current: 'k1', keys: { k1: 'c2hvcnQ=' } });
    const attempt = startWorker(loadEnv({ PAYLOAD_KEYS: value, TEMPORAL_ADDRESS: '127.0.0.1:1' }));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow('PAYLOAD_KEYS: keys.k1: must be 32 bytes, base64-encoded');
  });

  test('npm start makes a development key file once: one random key, mode 0600, never overwritten', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-keys-'));
    const file = path.join(dir, 'sub', 'payload-keys.json');
    expect(createKeyFileIfMissing(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readFileSync(file, 'utf8');
    const ring = loadKeyRing({ PAYLOAD_KEY_FILE: file });
    expect(ring.keyIds).toEqual([ring.currentKeyId]);
    expect(ring.currentKeyId).toMatch(/^dev-\d{4}-\d{2}-\d{2}-[0-9a-f]{6}$/);
    expect(createKeyFileIfMissing(file)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(first);
    // Another file gets another key.
    const other = path.join(dir, 'other.json');
    createKeyFileIfMissing(other);
    expect(JSON.parse(readFileSync(other, 'utf8')).keys).not.toEqual(JSON.parse(first).keys);
  });

  test('parseKeyRing names its source', () => {
    expect(refusal(() => parseKeyRing('nope', 'PAYLOAD_KEY_FILE (/x.json)'))).toBe('PAYLOAD_KEY_FILE (/x.json) is not valid JSON');
  });
});

// --- On the time-skipping server -----------------------------------------------------------------

/** Every string and every byte array (as UTF-8) in a history, and its JSON: what a reader of the server's store sees. */
function everythingIn(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) everythingIn(v, out);
  return out;
}

/** Every payload in a history the codec encrypted. */
function encryptedPayloads(value: unknown, out: Payload[] = []): Payload[] {
  if (value instanceof Uint8Array || !value || typeof value !== 'object') return out;
  const metadata = (value as Payload).metadata;
  if (metadata && text(metadata[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING) out.push(value as Payload);
  else for (const v of Object.values(value)) encryptedPayloads(v, out);
  return out;
}

describe('a case on the time-skipping server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  test("the raw history holds none of the referral's values nor a decision's text; the codec's client reads the case", async () => {
    const form = validReferralForm();
    const note = 'Codec test note: told the SSP by telephone about Test Child';
    const rationale = 'Codec test rationale: serious harm to Test Child at ZZ99 9ZZ is suspected';
    const { handle, ref } = await startCase(h, { referral: form });
    await decide(handle, 'ssp-informed', actors.businessUnit, { note });
    const decided = await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale });
    expect(decided.stage).toBe('awaiting-national-notification');

    // Read as the server keeps it, by a client without the codec.
    const plain = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default' });
    const history = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
    const raw = [historyToJSON(history), ...everythingIn(history)].join('\n');
    const secrets = [...formValues(form), note, rationale];
    expect(secrets).toEqual(expect.arrayContaining(['Test Child', 'ZZ99 9ZZ', 'Example Primary School', 'referrer@example.org']));
    expect(secrets.filter((s) => raw.includes(s))).toEqual([]);
    // In clear: the search attributes (the stage), which say nothing about the child.
    expect(raw).toContain('"awaiting-national-notification"');

    // The check would have found them: decrypted, the history does hold the agency and the texts.
    const payloads = encryptedPayloads(history);
    expect(payloads.length).toBeGreaterThan(5);
    const decrypted = (await new EncryptionCodec(TEST_KEY_RING).decode(payloads)).map((p) => text(p.data)).join('\n');
    for (const s of ['Example Primary School', note, rationale]) expect(decrypted).toContain(s);
    expect(new Set(payloads.map((p) => text(p.metadata![KEY_ID_METADATA_KEY])))).toEqual(new Set([TEST_KEY_RING.currentKeyId]));

    // The client with the codec reads the case; the one without cannot.
    const status = await h.env.client.workflow.getHandle(handle.workflowId).query(statusQuery);
    expect(status.stage).toBe('awaiting-national-notification');
    expect(status.caseReference).toBe(ref);
    await expect(plain.workflow.getHandle(handle.workflowId).query(statusQuery)).rejects.toThrow();
  });
});

test("only the Temporal UI's summaries stay in clear: any other string, or an object, is encrypted", async () => {
  const codec = new EncryptionCodec(TEST_KEY_RING);
  const clear = ['Serious incident case DSP-2026-0001', 'Improvement action A01 of case DSP-2026-0001', 'reminder: ssp-decision due 2026-12-14', 'email: escalation rapid-review-report'];
  const sealed = ['Zebedee Quillfeather', 'Serious incident case DSP-2026-0001 and a name', 'The reasons, as typed', { currentDetails: 'x' }];
  const encoded = await codec.encode([...clear, ...sealed].map(jsonPayload));
  expect(encoded.map((p) => text(p.metadata?.[METADATA_ENCODING_KEY]))).toEqual([...clear.map(() => 'json/plain'), ...sealed.map(() => ENCRYPTED_ENCODING)]);
});
