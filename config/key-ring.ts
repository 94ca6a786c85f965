// The key ring: AES-256 keys by ID, one of them current. The payload codec (config/payload-codec.ts)
// encrypts Temporal payloads with it and the register (register/crypto.ts) the free
// text it keeps about a child. Data is encrypted with the current key and names its key's ID, so
// a key is rotated by adding a new one and making it current: what the old keys encrypted is
// still read while they stay in the ring.
//
// Loaded from PAYLOAD_KEYS, or else PAYLOAD_KEY_FILE (same JSON). Neither key material nor the
// configuration's text is ever logged or put into an error message; errors name the variable
// and, at most, a key ID. Node only (node:crypto): never imported by workflow code.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError, type Env } from './index';

/**
 * Key IDs travel in clear (payload metadata, the register's stored text): letters, digits, '.',
 * '_' and '-', at most 32 characters (so no 32-byte key, in base64 or hex, can pass for one).
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/**
 * Encrypted data that cannot be read: its key is not in the ring, or it does not authenticate
 * (another key, or tampered with). The message names the key ID, nothing else.
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(
    /** The key ID the data names, when it names a well-formed one. */
    readonly keyId: string | undefined,
    readonly reason: 'unknown-key' | 'not-authentic' | 'malformed',
  ) {
    const key = keyId === undefined ? 'no valid key ID' : `key ID "${keyId}"`;
    super(
      reason === 'unknown-key'
        ? `Encrypted data names ${key}, which is not in the key ring`
        : reason === 'not-authentic'
          ? `Encrypted data under ${key} could not be decrypted (wrong key or altered data)`
          : `Encrypted data under ${key} is malformed`,
    );
  }
}

/** The key ID as given if it is well formed, else undefined: an error never echoes a bad one. */
export function safeKeyId(keyId: string | undefined): string | undefined {
  return keyId !== undefined && KEY_ID_PATTERN.test(keyId) ? keyId : undefined;
}

export interface Sealed {
  keyId: string;
  iv: Buffer;
  /** The ciphertext with the 16-byte authentication tag appended. */
  ciphertext: Buffer;
}

export class KeyRing {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  /** Throws RangeError (naming at most a key ID) unless every key is 32 bytes and current is one of them. */
  constructor(currentKeyId: string, keys: Readonly<Record<string, Uint8Array>>) {
    const entries = Object.entries(keys);
    for (const [id, key] of entries) {
      if (!KEY_ID_PATTERN.test(id)) throw new RangeError('A key ID must be 1 to 32 letters, digits, ".", "_" or "-"');
      if (key.length !== KEY_BYTES) throw new RangeError(`Key "${id}" must be ${KEY_BYTES} bytes`);
    }
    if (!entries.some(([id]) => id === currentKeyId)) throw new RangeError('The current key ID names no key in the ring');
    this.#keys = new Map(entries.map(([id, key]) => [id, Buffer.from(key)]));
    this.currentKeyId = currentKeyId;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** The same keys with another one current (a rotation, once the new key is in the ring). */
  withCurrent(keyId: string): KeyRing {
    return new KeyRing(keyId, Object.fromEntries(this.#keys));
  }

  /** AES-256-GCM under the current key, a fresh random 12-byte IV each time. */
  seal(plaintext: Uint8Array, aad?: Uint8Array): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    if (aad) cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { keyId: this.currentKeyId, iv, ciphertext };
  }

  /** The plaintext, or DecryptionError naming the key ID. */
  open(keyId: string, iv: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Buffer {
    const key = this.#keys.get(keyId);
    if (!key) throw new DecryptionError(safeKeyId(keyId), 'unknown-key');
    if (iv.length !== IV_BYTES || ciphertext.length < TAG_BYTES) throw new DecryptionError(keyId, 'malformed');
    const body = ciphertext.subarray(0, ciphertext.length - TAG_BYTES);
    const tag = ciphertext.subarray(ciphertext.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      if (aad) decipher.setAAD(aad);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new DecryptionError(keyId, 'not-authentic');
    }
  }

  /**
   * A secret for one purpose (e.g. signing the pages' session cookie) derived from each key by
   * HKDF, the current key's first: what the current key signs, the older keys still verify, so a
   * rotation does not sign everyone out. The keys themselves never leave the ring.
   */
  derivedSecrets(purpose: string): string[] {
    return this.#subkeys(`ssi:${purpose}`).map(([, subkey]) => subkey.toString('base64url'));
  }

  /** A 32-byte subkey of each key for one use (HKDF-SHA-256), the current key's first, with its key ID. */
  #subkeys(info: string): Array<[string, Buffer]> {
    const ids = [this.currentKeyId, ...this.keyIds.filter((id) => id !== this.currentKeyId)];
    return ids.map((id) => [id, Buffer.from(hkdfSync('sha256', this.#keys.get(id)!, Buffer.alloc(0), info, KEY_BYTES))]);
  }

  /**
   * A keyed digest of a value under each key of the ring, the current key's first, each
   * `<key ID>.<HMAC-SHA-256, base64url>` with a subkey derived for `purpose` (HKDF): the same value
   * gives the same digest under one key, so a column holding it can be matched and indexed, while
   * it says nothing of the value without the key (register/case-summary.ts: the referring agency).
   * A row written under an older key still matches while that key stays in the ring.
   */
  digests(value: string, purpose: string): string[] {
    return this.#subkeys(`ssi-digest:${purpose}`).map(([id, subkey]) => `${id}.${createHmac('sha256', subkey).update(value, 'utf8').digest('base64url')}`);
  }

  // A ring printed, logged or serialised shows its key IDs only.
  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `KeyRing { current: ${this.currentKeyId}, keys: [${this.keyIds.join(', ')}] }`;
  }
}

// --- Configuration ---------------------------------------------------------------------------------

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

const keyConfigSchema = z
  .object(
    {
      current: z.string({ error: 'must be a key ID' }).regex(KEY_ID_PATTERN, 'must be a key ID (1 to 32 letters, digits, ".", "_", "-")'),
      keys: z.record(
        z.string().regex(KEY_ID_PATTERN, 'every key ID must be 1 to 32 letters, digits, ".", "_", "-"'),
        z.string({ error: 'must be 32 bytes, base64-encoded' }).regex(BASE64_KEY, 'must be 32 bytes, base64-encoded'),
        { error: (issue) => (issue.code === 'invalid_key' ? 'every key ID must be 1 to 32 letters, digits, ".", "_", "-"' : 'must be an object of key ID to key') },
      ),
    },
    { error: 'must be a JSON object {"current": ..., "keys": {...}}' },
  )
  .superRefine((config, ctx) => {
    if (!Object.hasOwn(config.keys, config.current)) ctx.addIssue({ code: 'custom', path: ['current'], message: 'names no key in "keys"' });
  });

/** Paths name members and key IDs that passed KEY_ID_PATTERN only: never a value. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map((p) => (typeof p === 'string' && KEY_ID_PATTERN.test(p) ? p : '?')).join('.');
      return `${where || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** A key ring from its JSON text; ConfigError naming `source` (and never the text) otherwise. */
export function parseKeyRing(text: string, source: string): KeyRing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text: it is not passed on.
    throw new ConfigError(`${source} is not valid JSON`);
  }
  const parsed = keyConfigSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${source}: ${describeIssues(parsed.error)}`);
  const keys = Object.fromEntries(Object.entries(parsed.data.keys).map(([id, key]) => [id, Buffer.from(key, 'base64')]));
  return new KeyRing(parsed.data.current, keys);
}

/** PAYLOAD_KEYS if set, else PAYLOAD_KEY_FILE; ConfigError naming which when missing or malformed. */
export function loadKeyRing(env: Pick<Env, 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_FILE'>): KeyRing {
  if (env.PAYLOAD_KEYS !== undefined) return parseKeyRing(env.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
  const file = env.PAYLOAD_KEY_FILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`PAYLOAD_KEY_FILE (${file}) does not exist: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE (npm start creates a development key file)`);
    }
    throw new ConfigError(`PAYLOAD_KEY_FILE (${file}) cannot be read (${code ?? 'error'})`);
  }
  return parseKeyRing(text, `PAYLOAD_KEY_FILE (${file})`);
}

/**
 * Development only (`npm start`): writes a key file with one random key, mode 0600, unless the
 * file exists (never overwritten: the histories and register rows it encrypted need it). Returns
 * whether it wrote one. The key ID is unique, so a file deleted and made again is told apart.
 */
export function createKeyFileIfMissing(file: string, now: Date = new Date()): boolean {
  const keyId = `dev-${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const text = `${JSON.stringify({ current: keyId, keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') } }, null, 2)}\n`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ConfigError(`PAYLOAD_KEY_FILE (${file}) cannot be created (${code ?? 'error'})`);
  }
}
