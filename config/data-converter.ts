// The one data converter: the worker, every client (API, scripts, tests) and the replayer use it,
// so all of them read and write the same encrypted payloads (config/payload-codec.ts).
//
// In SDK 1.24 a DataConverter takes its failure converter by path (the workflow sandbox loads it
// from the bundle): FAILURE_CONVERTER_PATH, which a pre-built bundle must be built with too
// (bundleWorkflowCode({ workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH })).
import type { DataConverter } from '@temporalio/common';
import type { KeyRing } from './key-ring';
import { EncryptionCodec } from './payload-codec';

export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function dataConverterFor(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
