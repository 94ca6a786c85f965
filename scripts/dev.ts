// `npm start`: the embedded default. The Temporal dev server (SQLite under .data/, Web UI on
// :8233, our search attributes registered), a local SMTP catcher with a browser inbox (:1080,
// SMTP :1025), the worker and the API (:3000). Ctrl-C stops everything cleanly; started again,
// the cases resume from .data/.
process.env.TZ = 'UTC';
// A developer's machine: the API signs people in with the development tokens (USERS_FILE), which
// it refuses anywhere else (APP_ENV unset is production; docs/API.md: Signing in).
process.env.APP_ENV ??= 'development';

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadEnv, PROJECT_ROOT } from '../config';
import { createKeyFileIfMissing, loadKeyRing } from '../config/key-ring';
import { startApi } from '../api/main';
import { connectRegister } from '../register/register';
import { startWorker } from '../workers/main';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/contract';
import { serverPaths } from './servers';

const UI_PORT = 8233;
const INBOX_PORT = 1080;
const SMTP_PORT = 1025;


async function waitForTemporal(address: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      if (Date.now() > until) throw new Error('the Temporal dev server did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function main(): Promise<void> {
  const env = loadEnv();
  const dataDir = path.join(PROJECT_ROOT, '.data');
  mkdirSync(dataDir, { recursive: true });
  // The payload and register key: made once, kept (the cases in .data/ are encrypted with it).
  if (env.PAYLOAD_KEYS === undefined && createKeyFileIfMissing(env.PAYLOAD_KEY_FILE)) {
    console.log(`Created a development key file (mode 0600): ${env.PAYLOAD_KEY_FILE}. Keep it: the cases under .data/ cannot be read without it.`);
  }
  const { temporalCli } = serverPaths(PROJECT_ROOT);
  if (!temporalCli) {
    throw new Error('No Temporal CLI: install Go (then `npm run provision`) or put `temporal` v1.5.1 on PATH');
  }
  const [host, port] = env.TEMPORAL_ADDRESS.split(':');
  const temporal = spawn(
    temporalCli,
    [
      'server', 'start-dev',
      '--db-filename', path.join(dataDir, 'temporal.sqlite'),
      '--ip', host ?? '127.0.0.1',
      '--port', port ?? '7233',
      '--ui-port', String(UI_PORT),
      // The Temporal UI decodes payloads through the API's codec server, for permitted sign-ins only.
      '--ui-codec-endpoint', `http://127.0.0.1:${env.PORT}/codec`,
      '--namespace', env.TEMPORAL_NAMESPACE,
      '--log-level', 'warn',
      ...SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const temporalExited = new Promise<void>((resolve) => temporal.once('exit', () => resolve()));
  // Whatever has started is stopped again, in reverse order, on Ctrl-C or on a failed start.
  const cleanups: Array<() => Promise<unknown>> = [
    async () => {
      temporal.kill('SIGTERM');
      await temporalExited;
    },
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('while stopping:', err instanceof Error ? err.message : String(err)));
    }
    console.log('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  temporal.once('exit', (code) => {
    if (!stopping) {
      console.error(`the Temporal dev server exited (${code}); stopping`);
      void stop(1);
    }
  });

  try {
    await waitForTemporal(env.TEMPORAL_ADDRESS, temporal);

    // maildev 3 is an ES module: load it with a real dynamic import.
    const { MailDev } = await import('maildev');
    const inbox = new MailDev({ smtp: SMTP_PORT, ip: '127.0.0.1', web: INBOX_PORT, webIp: '127.0.0.1', silent: true });
    await inbox.start();
    cleanups.push(() => inbox.stop());

    // The register's schema first, once, here: the worker and the API then find it migrated.
    const register = connectRegister(env.DATABASE_URL, loadKeyRing(env));
    const migrated = await register.migrate().finally(() => register.close());
    if (migrated.length > 0) console.log(`Register migrated: ${migrated.join(', ')}`);

    const worker = await startWorker(env);
    cleanups.push(() => worker.close());
    const api = await startApi();
    cleanups.push(() => api.close());

    console.log(
      [
        '',
        'Safeguarding incident procedure - development stack is up:',
        `  API                http://127.0.0.1:${env.PORT}   (health: http://127.0.0.1:${env.PORT}/health)`,
        `  Temporal Web UI    http://127.0.0.1:${UI_PORT}`,
        `  Codec sign-in      http://127.0.0.1:${env.PORT}/codec/sign-in   (then, in the UI's Codec Server settings: your browser's setting, http://127.0.0.1:${env.PORT}/codec, include cross-origin credentials)`,
        `  Mail inbox         http://127.0.0.1:${INBOX_PORT}   (SMTP on 127.0.0.1:${SMTP_PORT})`,
        `  Data               ${dataDir}`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    console.error('npm start failed:', err instanceof Error ? err.message : String(err));
    await stop(1);
  }
}

main().catch((err: unknown) => {
  console.error('npm start failed:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
