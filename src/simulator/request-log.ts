// Every API request the simulator answers: method, path, status, whether a route matched.
import type { RequestLogEntry } from './types.js';

const MAX_ENTRIES = 200_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private counts = new Map<string, number>();
  private unroutedEntries: RequestLogEntry[] = [];

  /** `endpoint` is the route's name (e.g. `GET /rest/api/3/issue/{id}/comment`) or the raw path when unrouted. */
  record(entry: RequestLogEntry, endpoint: string): void {
    // Counts stay exact; the entry list keeps the most recent ones so a long benchmark cannot fill memory.
    if (this.entries.length >= MAX_ENTRIES) this.entries.splice(0, MAX_ENTRIES / 2);
    this.entries.push(entry);
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    if (!entry.routed) this.unroutedEntries.push(entry);
  }
  all(): RequestLogEntry[] {
    return [...this.entries];
  }
  countsByEndpoint(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
  unrouted(): RequestLogEntry[] {
    return [...this.unroutedEntries];
  }
  reset(): void {
    this.entries = [];
    this.counts.clear();
    this.unroutedEntries = [];
  }
}
