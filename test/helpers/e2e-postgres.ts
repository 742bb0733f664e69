// A throwaway PostgreSQL server per test file (scripts/start-postgres.sh), a fresh database per test,
// and queries through psql (no driver needed for a handful of SELECTs).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { repoRoot } from './run-cli.js';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts/start-postgres.sh');

export interface PgServer {
  host: string;
  port: number;
  /** Creates an empty database and returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  /** Runs one SQL statement and returns its rows as arrays of text (NULL = ''). Session time zone UTC. */
  query(database: string, sql: string): Promise<string[][]>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startPostgres(): Promise<PgServer> {
  const { stdout } = await run('bash', [script], { encoding: 'utf8' });
  const url = new URL(stdout.trim().split('\n')[0]!);
  const host = url.hostname;
  const port = Number(url.port);
  // The script made the data dir; the server itself says where it is (needed to stop it).
  const psql = async (database: string, sql: string): Promise<string> => {
    const r = await run('psql', ['-h', host, '-p', String(port), '-U', 'postgres', '-d', database, '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGTZ: 'UTC', PGCONNECT_TIMEOUT: '10' },
      maxBuffer: 256 * 1024 * 1024,
    });
    return r.stdout;
  };
  const dataDir = (await psql('postgres', 'SHOW data_directory')).trim();
  return {
    host,
    port,
    async createDatabase(prefix = 'e2e') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      await psql('postgres', `CREATE DATABASE ${name}`);
      return name;
    },
    async query(database, sql) {
      const out = await psql(database, sql);
      return out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
    },
    async stop() {
      // data_directory is <dir>/data; --stop removes <dir>.
      await run('bash', [script, '--stop', join(dataDir, '..')]);
    },
  };
}
