// Which planned streams are read together. Streams of one shared-read family (the issues walk and the
// streams derived from the bodies it fetches) that start from the same point (same sync mode, equal
// saved state) are served by one read: one walk, one set of requests, each stream's records and
// states under its own name. Members whose saved states differ (e.g. one was selected later and
// starts from start_date) get a walk each: one walk per distinct starting point, so no stream is
// ever re-read from another's position or has its state moved by another's.
import type { PlannedStream } from './source.js';

/** The plan in units: a unit is one stream, or several of one family read together; in plan order (a unit sits where its first stream was). */
export function readUnits(plan: PlannedStream[]): PlannedStream[][] {
  const units: PlannedStream[][] = [];
  const open = new Map<string, PlannedStream[]>();
  for (const p of plan) {
    const family = p.stream.shared?.family;
    if (family === undefined) {
      units.push([p]);
      continue;
    }
    const from = p.syncMode === 'incremental' ? JSON.stringify(p.state ?? {}) : '';
    const key = `${family}\u0000${p.syncMode}\u0000${from}`;
    const unit = open.get(key);
    if (unit !== undefined) unit.push(p);
    else {
      const fresh = [p];
      open.set(key, fresh);
      units.push(fresh);
    }
  }
  return units;
}
