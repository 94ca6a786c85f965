// `npm start`: the embedded default. The Temporal dev server (SQLite under .data/, Web UI on
// :8233, our search attributes registered), a local SMTP catcher with a browser inbox (:1080,
// SMTP :1025), the worker and the API (:3000). Ctrl-C stops everything cleanly; started again,
// the cases resume from .data/.
process.env.TZ = 'UTC';

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadEnv, PROJECT_ROOT } from '../config';
import { startApi } from '../api/main';
import { activityDependencies } from '../workers/dependencies';
import { createIncidentWorker } from '../workers/incident-worker';
import { temporalConnectionOptions } from '../workers/temporal-connection';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/contract';
import { serverPaths } from './servers';

const UI_PORT = 8233;
const INBOX_PORT = 1080;
const SMTP_PORT = 1025;

interface MailDevServer {
  listen(cb?: (err?: Error) => void): void;
  close(cb?: (err?: Error) => void): void;
}
type MailDevConstructor = new (options: Record<string, unknown>) => MailDevServer;

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
      '--namespace', env.TEMPORAL_NAMESPACE,
      '--log-level', 'warn',
      ...SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const temporalExited = new Promise<void>((resolve) => temporal.once('exit', () => resolve()));
  await waitForTemporal(env.TEMPORAL_ADDRESS, temporal);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MailDev = require('maildev') as MailDevConstructor;
  const inbox = new MailDev({ smtp: SMTP_PORT, web: INBOX_PORT, ip: '127.0.0.1', silent: true });
  await new Promise<void>((resolve, reject) => inbox.listen((err) => (err ? reject(err) : resolve())));

  const connection = await NativeConnection.connect(temporalConnectionOptions(env));
  const deps = await activityDependencies(env);
  const worker = await createIncidentWorker({ connection, namespace: env.TEMPORAL_NAMESPACE, activities: deps });
  const workerRun = worker.run();
  const api = await startApi();

  console.log(
    [
      '',
      'Safeguarding incident procedure - development stack is up:',
      `  API                http://127.0.0.1:${env.PORT}   (health: http://127.0.0.1:${env.PORT}/health)`,
      `  Temporal Web UI    http://127.0.0.1:${UI_PORT}`,
      `  Mail inbox         http://127.0.0.1:${INBOX_PORT}   (SMTP on 127.0.0.1:${SMTP_PORT})`,
      `  Data               ${dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    await api.close();
    worker.shutdown();
    await workerRun;
    await deps.register.destroy();
    await connection.close();
    await new Promise<void>((resolve) => inbox.close(() => resolve()));
    temporal.kill('SIGTERM');
    await temporalExited;
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  temporal.once('exit', (code) => {
    if (!stopping) {
      console.error(`the Temporal dev server exited (${code}); stopping`);
      void stop();
    }
  });
}

main().catch((err: unknown) => {
  console.error('npm start failed:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
