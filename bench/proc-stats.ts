// Linux /proc readings of another process, used to sample memory over a run and to charge the
// simulator's CPU apart from the connector's. Elsewhere they return undefined and the bench goes on.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every mainstream Linux). */
const USER_HZ = 100;

/** User + system CPU seconds of a live process. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces, so count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Current and peak resident set size (MB) of a live process. */
export function procMemoryMb(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    return Number.isNaN(rss) ? undefined : { rssMb: rss / 1024, hwmMb: hwm / 1024 };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole host since boot, summed over all cores (/proc/stat). */
export function hostCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = cpu[3]! + cpu[4]!;
    return { busy: (total - idle) / USER_HZ, total: total / USER_HZ };
  } catch {
    return undefined;
  }
}
