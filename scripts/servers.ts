/**
 * Where the Temporal servers come from (see docs/ARCHITECTURE.md, "Where the servers come from").
 *
 * scripts/provision.sh finds or builds the Temporal CLI (dev server) and the Java time-skipping
 * test server, and records their paths in `.data/servers.json`. This module reads that record and
 * turns it into `server.executable` options for `TestWorkflowEnvironment.createTimeSkipping()` /
 * `createLocal()`. A `null` path means "no local binary: let the SDK download it" (which only works
 * with internet access); the matching `*Hint` says what to install instead.
 *
 * Node built-ins only at run time (config/project-root is built-ins only; the @temporalio import is type-only), so
 * the compiled `dist/scripts/servers.js` also works where dev dependencies are pruned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { findProjectRoot } from '../config/project-root';

/** `server.executable` value for a binary already on disk. */
export type ExistingPathExecutable = Extract<EphemeralServerExecutable, { type: 'existing-path' }>;

/** The record written by scripts/provision.sh. */
export interface ServersRecord {
  temporalCli: string | null;
  testServer: string | null;
  temporalCliVersion: string;
  testServerVersion: string;
  /** Where each one came from, e.g. "PATH", "cache", "go install", "sdk-download". */
  temporalCliSource?: string;
  testServerSource?: string;
  /** Set when the path is null: what to install so the SDK's run-time download is not needed. */
  temporalCliHint?: string;
  testServerHint?: string;
}

export const SERVERS_FILE = path.join('.data', 'servers.json');

const PROVISION_FIRST = 'run `npm run provision` (scripts/provision.sh) first';

function optionalString(value: unknown, field: string, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${file}: "${field}" must be a string; ${PROVISION_FIRST}`);
  return value;
}

function pathOrNull(value: unknown, field: string, file: string): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') {
    throw new Error(`${file}: "${field}" must be a path or null; ${PROVISION_FIRST}`);
  }
  if (!fs.existsSync(value)) {
    throw new Error(`${file}: ${field} ${value} no longer exists; ${PROVISION_FIRST}`);
  }
  return value;
}

/** Reads and checks `.data/servers.json`. Throws if it is missing or stale. */
export function readServersRecord(projectRoot: string = findProjectRoot(__dirname)): ServersRecord {
  const file = path.join(projectRoot, SERVERS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} not found: ${PROVISION_FIRST}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON: ${PROVISION_FIRST}`);
  }
  if (typeof raw !== 'object' || raw === null) {
    throw new Error(`${file} is not a JSON object: ${PROVISION_FIRST}`);
  }
  const r = raw as Record<string, unknown>;
  return {
    temporalCli: pathOrNull(r.temporalCli, 'temporalCli', file),
    testServer: pathOrNull(r.testServer, 'testServer', file),
    temporalCliVersion: optionalString(r.temporalCliVersion, 'temporalCliVersion', file) ?? '',
    testServerVersion: optionalString(r.testServerVersion, 'testServerVersion', file) ?? '',
    temporalCliSource: optionalString(r.temporalCliSource, 'temporalCliSource', file),
    testServerSource: optionalString(r.testServerSource, 'testServerSource', file),
    temporalCliHint: optionalString(r.temporalCliHint, 'temporalCliHint', file),
    testServerHint: optionalString(r.testServerHint, 'testServerHint', file),
  };
}

/** Absolute paths of the provisioned servers; a missing key means "use the SDK's download". */
export function serverPaths(projectRoot?: string): { temporalCli?: string; testServer?: string } {
  const record = readServersRecord(projectRoot);
  const result: { temporalCli?: string; testServer?: string } = {};
  if (record.temporalCli) result.temporalCli = record.temporalCli;
  if (record.testServer) result.testServer = record.testServer;
  return result;
}

/** For `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`. */
export function timeSkippingServerOption(projectRoot?: string): ExistingPathExecutable | undefined {
  const { testServer } = serverPaths(projectRoot);
  return testServer ? { type: 'existing-path', path: testServer } : undefined;
}

/** For `TestWorkflowEnvironment.createLocal({ server: { executable } })`. */
export function devServerExecutableOption(projectRoot?: string): ExistingPathExecutable | undefined {
  const { temporalCli } = serverPaths(projectRoot);
  return temporalCli ? { type: 'existing-path', path: temporalCli } : undefined;
}
