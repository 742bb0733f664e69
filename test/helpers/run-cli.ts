// Runs the real CLI (bin/source-jira.js or bin/tap-jira.js) as a child process and collects its
// NDJSON output. Every stdout line must be one JSON object: a line that is not fails the caller.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/test/helpers -> ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const airbyteBin = join(repoRoot, 'bin/source-jira.js');
export const singerBin = join(repoRoot, 'bin/tap-jira.js');

export type Message = Record<string, any>;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  messages: Message[];
  /** stdout lines that were not JSON objects (should always be empty) */
  badLines: string[];
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called for every parsed message as it arrives; return true to kill -9 the process right there. */
  onMessage?: (m: Message, child: ChildProcess) => boolean | void;
  timeoutMs?: number;
  /** Called once the child is spawned (e.g. to watch its memory). */
  onSpawn?: (child: ChildProcess) => void;
}

// Temp dirs live as long as the test file's process: removed when it exits.
const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes JSON values to files in a fresh temp dir and returns their paths. */
export function writeJsonFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'jira-source-test-'));
  tempDirs.push(dir);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(files)) {
    const p = join(dir, name.endsWith('.json') ? name : `${name}.json`);
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    out[name] = p;
  }
  return out;
}

export function runCli(bin: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return runCommand(process.execPath, [bin, ...args], opts);
}

/** Like runCli, for any command that runs the connector (e.g. the image's entrypoint, test/e2e/image.test.ts). */
export function runCommand(command: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    const messages: Message[] = [];
    const badLines: string[] = [];
    let stdout = '';
    let stderr = '';
    let pending = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out after ${opts.timeoutMs ?? 120000} ms: ${args.join(' ')}\nstderr: ${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 120000);

    const takeLine = (line: string) => {
      if (line === '' || killed) return;
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        badLines.push(line);
        return;
      }
      if (m === null || typeof m !== 'object' || Array.isArray(m)) {
        badLines.push(line);
        return;
      }
      messages.push(m as Message);
      if (opts.onMessage?.(m as Message, child) === true) {
        killed = true;
        child.kill('SIGKILL');
      }
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        takeLine(line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A killed process may leave half a line behind: that is what a host would see too, so it is dropped.
      if (!killed) takeLine(pending);
      resolvePromise({ code, signal, messages, badLines, stdout, stderr });
    });
  });
}
