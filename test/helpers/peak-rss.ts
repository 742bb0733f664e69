// The peak resident set of a child process, read from /proc/<pid>/status (VmHWM, Linux) while it
// runs: the high-water mark only grows, so the last reading before exit is the peak (within a poll).
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export interface RssWatch {
  /** Highest VmHWM seen, in MB (0 when /proc could not be read). */
  peakMb(): number;
}

export function watchPeakRss(child: ChildProcess, everyMs = 20): RssWatch {
  let peakKb = 0;
  const read = () => {
    try {
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(read, everyMs);
  child.once('exit', () => clearInterval(timer));
  read();
  return { peakMb: () => peakKb / 1024 };
}
