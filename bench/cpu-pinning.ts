// `--pin`: the connector on CPU 0, the simulator and the bench's consumer on the other CPUs (Linux,
// taskset). On a 2-vCPU machine the three otherwise share both CPUs at ~90 % load, and the
// connector's own CPU time then swings by ±10 % with what runs beside it; pinned, "issues per
// CPU-second" is what one core does for the connector alone, which is what the target means.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface Pinning {
  connector: string;
  others: string;
}

/** The CPU lists to use, or an error saying why pinning is not possible here. */
export function planPinning(): Pinning {
  const n = cpus().length;
  if (process.platform !== 'linux') throw new Error('--pin works on Linux only (it uses taskset)');
  if (n < 2) throw new Error(`--pin needs at least 2 CPUs, this machine has ${n}`);
  if (spawnSync('taskset', ['--version']).status !== 0) throw new Error('--pin needs taskset (Debian package util-linux)');
  return { connector: '0', others: n === 2 ? '1' : `1-${n - 1}` };
}

/** The command and arguments that run `command args` on the given CPUs (every thread of it). */
export function pinned(cpuList: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpuList === undefined ? [command, args] : ['taskset', ['-c', cpuList, command, ...args]];
}

/** Moves this process (every thread) to the given CPUs. */
export function pinSelf(cpuList: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' });
}
