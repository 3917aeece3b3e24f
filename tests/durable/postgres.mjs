// A private PostgreSQL cluster for tests and the benchmark: Debian's server binaries
// (scripts/setup.sh installs `postgresql`), `initdb` in a fresh temporary directory, listening on
// 127.0.0.1 only, on a free port, with its socket in that directory. As root, the server runs
// as the `postgres` user (PostgreSQL refuses to run as root) on a directory it owns. `stop()`
// stops it and removes the directory; so does the exit of this process, however it ends.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SETUP_HINT = 'scripts/setup.sh installs it (apt-get install postgresql)';

/** The directory of Debian's newest PostgreSQL server binaries, or those on PATH. */
export function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin/initdb'))) : [];
  if (versions.length > 0) return join(root, String(Math.max(...versions.map(Number))), 'bin');
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found.replace(/\/initdb$/, '');
  throw new Error(`PostgreSQL's server (initdb, pg_ctl) is not installed: ${SETUP_HINT}`);
}

/** A port the OS says is free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster; resolves `{ connection, port, dir, stop }`, `connection` the options for
 * `new pg.Pool(connection)` (user `postgres`, database `postgres`, trust on 127.0.0.1 only).
 */
export async function startPostgres() {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'chinaums-pg-'));
  const data = join(dir, 'data');
  // As root: hand the directory to the postgres user and run the server binaries as it.
  const run = (tool, args) => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return execFileSync(command[0], command[1], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  let started = false;
  const stopNow = () => {
    if (started) {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // Already gone.
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  try {
    if (asRoot) {
      execFileSync('chown', ['postgres:postgres', dir]);
      chmodSync(dir, 0o700);
    }
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    const options = [`-c listen_addresses=127.0.0.1`, `-c port=${port}`, `-c unix_socket_directories=${dir}`, '-c fsync=off', '-c max_connections=200', '-c log_min_messages=warning'].join(' ');
    run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
    started = true;
    const connection = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
    return {
      connection,
      port,
      dir,
      async stop() {
        process.off('exit', stopNow);
        stopNow();
      },
    };
  } catch (error) {
    process.off('exit', stopNow);
    stopNow();
    throw new Error(`could not start PostgreSQL from ${bin}: ${error.stderr || error.message}`);
  }
}
