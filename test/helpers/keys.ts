// A fixed key ring for tests: derived from public strings, so obviously not a secret and never a
// real key. The worker, every client and the replayer in the tests use TEST_DATA_CONVERTER.
import { createHash } from 'node:crypto';
import { dataConverterFor } from '../../config/data-converter';
import { KeyRing } from '../../config/key-ring';

/** A 32-byte test key, the same on every run. */
export function testKey(name: string): Buffer {
  return createHash('sha256').update(`ssi-procedure test key ${name} (public, not a secret)`).digest();
}

/** Two keys, the second current: what was sealed under test-1 still opens. */
export const TEST_KEY_RING = new KeyRing('test-2', { 'test-1': testKey('test-1'), 'test-2': testKey('test-2') });

export const TEST_DATA_CONVERTER = dataConverterFor(TEST_KEY_RING);
