// Runs the real connector CLI as a child process (through measure-wrapper.js, which reports its CPU and
// peak RSS) with stdout piped into a RecordCounter, optionally read at a limited byte rate.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { procMemoryMb } from './proc-stats.js';
import { pinned } from './cpu-pinning.js';
import { LOGGED_429, RecordCounter, type Front, type OutputCounts } from './record-counter.js';
import { airbyteConfiguredCatalog, parseDiscoverOutput, singerSelectedCatalog, type Selection } from './catalogs.js';

export interface ConnectorBins {
  airbyte: string;
  singer: string;
  wrapper: string;
}

export interface ReadOptions {
  front: Front;
  bins: ConnectorBins;
  configPath: string;
  catalogPath: string;
  workDir: string;
  /** Read stdout at this many bytes per second (scenario d); undefined = as fast as possible. */
  consumerBytesPerSecond?: number;
  maxRunSeconds: number;
  /** Extra node flags for the connector, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeArgs?: string[];
  /** CPUs the connector runs on (taskset list, e.g. "0"); undefined = wherever the OS puts it. */
  cpus?: string;
  /** Whose records are counted by id (default issues); '*': every stream's, per stream. */
  countStream?: string;
}

export interface ReadResult {
  wallS: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  counts: OutputCounts;
  userCpuS?: number;
  systemCpuS?: number;
  peakRssMb?: number;
  /** RSS sampled every 250 ms: [seconds since start, MB] (Linux only). */
  rssSamples: Array<[number, number]>;
  stderrTail: string;
}

/** Runs discover and writes the catalog `read` needs (the issues stream unless `select` says otherwise). */
export function prepareCatalog(front: Front, bins: ConnectorBins, configPath: string, select: Selection = 'issues'): unknown {
  const args = front === 'airbyte' ? [bins.airbyte, 'discover', '--config', configPath] : [bins.singer, '--config', configPath, '--discover'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${front} discover exited with ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
  const discovered = parseDiscoverOutput(front, r.stdout);
  return front === 'airbyte' ? airbyteConfiguredCatalog(discovered, select) : singerSelectedCatalog(discovered, select);
}

/**
 * The node flags on a bin's shebang line (`#!/usr/bin/env -S node --flag …`): the bench starts node
 * itself (through the measuring wrapper), and must run the connector as users' hosts do.
 */
export function shebangNodeFlags(binPath: string): string[] {
  const first = readFileSync(binPath, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env\s+-S\s+node\s+(.+)$/.exec(first);
  return m ? m[1]!.trim().split(/\s+/) : [];
}

const running = new Set<ChildProcess>();

/** Kills every connector run still going (the bench itself is being stopped). */
export function killRunningConnectors(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function runRead(o: ReadOptions): Promise<ReadResult> {
  const usagePath = join(o.workDir, `usage-${o.front}-${process.hrtime.bigint()}.json`);
  const cli =
    o.front === 'airbyte'
      ? [o.bins.airbyte, 'read', '--config', o.configPath, '--catalog', o.catalogPath]
      : [o.bins.singer, '--config', o.configPath, '--catalog', o.catalogPath];
  const counter = new RecordCounter(o.front, o.countStream);
  const started = performance.now();
  const bin = o.front === 'airbyte' ? o.bins.airbyte : o.bins.singer;
  const nodeArgs = [...shebangNodeFlags(bin), ...(o.nodeArgs ?? [])];
  const [command, args] = pinned(o.cpus, process.execPath, [...nodeArgs, o.bins.wrapper, usagePath, ...cli]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = () => (performance.now() - started) / 1000;
  running.add(child);
  child.once('exit', () => running.delete(child));

  const rssSamples: Array<[number, number]> = [];
  const sampler = setInterval(() => {
    const m = procMemoryMb(child.pid!);
    if (m) rssSamples.push([Number(elapsed().toFixed(2)), Number(m.rssMb.toFixed(1))]);
  }, 250);

  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.maxRunSeconds * 1000);

  let stderrTail = '';
  let stderrLine = '';
  let stderr429 = 0;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderrTail = (stderrTail + d).slice(-4000);
    const lines = (stderrLine + d).split('\n');
    stderrLine = lines.pop()!;
    for (const l of lines) if (LOGGED_429.test(l)) stderr429++;
  });

  const stdout = child.stdout!;
  const bps = o.consumerBytesPerSecond;
  stdout.on('data', (chunk: Buffer) => {
    counter.push(chunk);
    if (!bps) return;
    // Pace reads: after `bytes` we may not be earlier than bytes / bps seconds into the run.
    const aheadMs = (counter.counts().bytes / bps - elapsed()) * 1000;
    if (aheadMs > 1) {
      stdout.pause();
      setTimeout(() => stdout.resume(), aheadMs);
    }
  });

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallS = elapsed();
      clearInterval(sampler);
      clearTimeout(killer);
      const counts = counter.end();
      counts.logged429 += stderr429 + (LOGGED_429.test(stderrLine) ? 1 : 0);
      let usage: { userCpuS?: number; systemCpuS?: number; maxRssMb?: number } = {};
      if (existsSync(usagePath)) {
        usage = JSON.parse(readFileSync(usagePath, 'utf8'));
        rmSync(usagePath);
      }
      const sampledPeak = rssSamples.reduce((m, [, mb]) => Math.max(m, mb), 0);
      resolve({
        wallS,
        exitCode: code,
        signal,
        timedOut,
        counts,
        userCpuS: usage.userCpuS,
        systemCpuS: usage.systemCpuS,
        peakRssMb: usage.maxRssMb ?? (sampledPeak || undefined),
        rssSamples,
        stderrTail,
      });
    });
  });
}
