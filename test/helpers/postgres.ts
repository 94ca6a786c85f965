// A throwaway PostgreSQL cluster for tests: initdb into a temporary directory, a server on a free
// 127.0.0.1 port (its Unix socket in the same directory, so nothing clashes with a system server),
// one database, and stop() that shuts it down and deletes the directory.
//
// PostgreSQL refuses to run as root; as root the server programs run as the `postgres` system user
// (created by Debian's `postgresql` package) through runuser, with the directory chowned to it.
// Missing binaries fail the test with a message saying what to install: they are not skipped.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/DATABASE (trust authentication, no password). */
  url: string;
  /** Stops the server and deletes its directory; resolves to the seconds it took. Safe to call twice. */
  stop(): Promise<number>;
  /** Seconds taken by initdb + start + CREATE DATABASE. */
  startSeconds: number;
}

const SEARCH_ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql (or $PG_BIN). */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const versions = existsSync(SEARCH_ROOT)
    ? readdirSync(SEARCH_ROOT)
        .filter((v) => existsSync(path.join(SEARCH_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, and PG_BIN not set). ' +
        'These tests need a real PostgreSQL server: install the Debian package with ' +
        '`apt-get install -y --no-install-recommends postgresql` (.ci/run does this in its install_postgres step).',
    );
  }
  return path.join(SEARCH_ROOT, newest, 'bin');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'Running as root, and there is no `postgres` system user to run PostgreSQL as (PostgreSQL refuses root). ' +
        'Install the Debian package `postgresql`, which creates it, or run the tests as an ordinary user.',
    );
  }
}

/** [file, args] running a PostgreSQL program, as the postgres user when we are root. */
function asServerUser(program: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * Starts a new cluster and creates `database` in it. Call stop() in afterAll; a process exit
 * without it still stops the server (immediate mode) and deletes the directory.
 */
export async function startTestPostgres(database = 'ssi_test'): Promise<TestPostgres> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new RangeError(`Not a plain database name: ${database}`);
  const started = process.hrtime.bigint();
  const bin = postgresBinDir();
  const owner = isRoot ? postgresUser() : undefined;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssi-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  // cwd: the postgres user cannot enter root's working directory.
  const options = { cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
  const exec = (program: string, args: string[]) => run(...asServerUser(path.join(bin, program), args), options);

  let running = false;
  const stopSync = () => {
    if (running) {
      try {
        execFileSync(...asServerUser(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']), {
          ...options,
          stdio: 'ignore',
        });
      } catch {
        // already gone
      }
      running = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    // --no-sync and fsync=off: a test cluster need not survive a power cut, and this saves seconds.
    await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);

    // A free port can be taken between our probe and the server's bind: try a few.
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        "-c listen_addresses='127.0.0.1'",
        `-c unix_socket_directories='${dir}'`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=50',
      ].join(' ');
      try {
        await exec('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '30', '-o', serverOptions]);
        running = true;
        break;
      } catch (error) {
        if (attempt >= 3) {
          throw new Error(`PostgreSQL did not start (port ${port}): ${(error as Error).message}\n${logTail(log)}`);
        }
      }
    }

    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }

    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/${database}`,
      startSeconds,
      async stop() {
        const stopping = process.hrtime.bigint();
        process.removeListener('exit', stopSync);
        if (running) {
          // smart first: it waits for the sessions to end. A pg Pool's end() resolves before its
          // sockets have closed, and fast mode would send those sessions a FATAL "terminating
          // connection due to administrator command", an unhandled 'error' in the test process.
          // fast only if a session is still open after a few seconds (a connection left open).
          await exec('pg_ctl', ['stop', '-D', data, '-m', 'smart', '-w', '-t', '5'])
            .catch(() => exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']))
            .catch(() => undefined);
          running = false;
        }
        rmSync(dir, { recursive: true, force: true });
        return Number(process.hrtime.bigint() - stopping) / 1e9;
      },
    };
  } catch (error) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw error;
  }
}
