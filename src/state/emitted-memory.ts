// What the issues walk remembers of the issues it emitted lately, so that the next run, which re-reads
// the lookback span (and the tail the sweeps covered), emits only the issues whose `updated` changed
// since: a quiet re-run emits nothing (README "A quiet re-run emits nothing").
//
// In the state: "emitted": {"since": <epoch ms>, "issues": "<id>:<ms after since, base 36>,..."}, e.g.
// {"since": 1764500000000, "issues": "10001:0,10002:1kq,10007:2f4c"}: issue 10001 was emitted with
// updated = since, 10002 with since + 2,222 ms. Only what a later read can meet again is kept (updated at
// or after the point it re-reads from), at most MAX_REMEMBERED entries, the newest: one dropped is
// simply emitted again. A row is skipped only when its `updated` equals the remembered one exactly, so an
// issue edited since is always emitted; and what is remembered was emitted before the STATE that holds it.

/** The state's form. */
export interface EmittedJson {
  since: number;
  issues: string;
}

/** Beyond this many, the oldest are forgotten (and re-emitted once): ~12 bytes each in every STATE. */
export const MAX_REMEMBERED = 4000;

const ID = /^[0-9A-Za-z_-]{1,40}$/;
const DELTA = /^[0-9a-z]{1,11}$/;

/** The entries of a state's `emitted`; throws an Error saying what is wrong (the caller names the fix). */
export function decodeEmitted(raw: unknown): Map<string, number> {
  const o = raw as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Number.isSafeInteger(o.since) || (o.since as number) < 0 || typeof o.issues !== 'string') {
    throw new Error('emitted must be {"since": <epoch ms>, "issues": "<id>:<base-36 ms after since>,..."}');
  }
  const extra = Object.keys(o).find((k) => k !== 'since' && k !== 'issues');
  if (extra !== undefined) throw new Error(`emitted has an unexpected key ${JSON.stringify(extra)}`);
  const since = o.since as number;
  const out = new Map<string, number>();
  if (o.issues === '') return out;
  const entries = o.issues.split(',');
  if (entries.length > MAX_REMEMBERED) throw new Error(`emitted lists ${entries.length} issues, more than the ${MAX_REMEMBERED} this connector keeps`);
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const delta = entry.slice(colon + 1);
    if (colon < 0 || !ID.test(id) || !DELTA.test(delta)) throw new Error(`emitted.issues has a malformed entry ${JSON.stringify(entry.slice(0, 60))} (expected <id>:<base-36 ms>)`);
    const updated = since + parseInt(delta, 36);
    if (!Number.isSafeInteger(updated)) throw new Error(`emitted.issues entry ${JSON.stringify(entry)} lies beyond any date`);
    out.set(id, updated);
  }
  return out;
}

/** The live memory of one walk: what the loaded state remembered, plus what this run emitted. */
export class EmittedMemory {
  private readonly entries: Map<string, number>;
  skipped = 0;

  constructor(loaded: EmittedJson | undefined) {
    this.entries = loaded === undefined ? new Map() : decodeEmitted(loaded);
  }

  /** Whether this issue is remembered at all: only then is its `updated` worth reading for skip(). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** True when this issue was emitted with exactly this `updated` (by the run whose state was loaded, or by this one). */
  skip(id: string, updated: number): boolean {
    const same = this.entries.get(id) === updated;
    if (same) this.skipped++;
    return same;
  }

  emitted(id: string, updated: number): void {
    if (ID.test(id)) this.entries.set(id, updated);
  }

  /**
   * The state's `emitted` for a reader that re-reads what `keep` accepts (undefined when nothing is
   * kept). Also forgets the rest here: this run re-reads no more than a resume from that state would.
   */
  toState(keep: (id: string, updated: number) => boolean): EmittedJson | undefined {
    // Every STATE walks the whole memory, mostly while the code is still cold (a 20k run makes a dozen):
    // keys and values read without an entry array each, and no sort when already in order (the walk
    // emits mostly in `updated` order).
    let ids: string[] = [];
    let times: number[] = [];
    let inOrder = true;
    for (const id of this.entries.keys()) {
      const updated = this.entries.get(id)!;
      if (!keep(id, updated)) {
        this.entries.delete(id);
        continue;
      }
      const last = times.length - 1;
      if (last >= 0 && (updated < times[last]! || (updated === times[last]! && id < ids[last]!))) inOrder = false;
      ids.push(id);
      times.push(updated);
    }
    if (ids.length === 0) return undefined;
    if (!inOrder) {
      const order = ids.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || (ids[a]! < ids[b]! ? -1 : 1));
      ids = order.map((i) => ids[i]!);
      times = order.map((i) => times[i]!);
    }
    if (ids.length > MAX_REMEMBERED) {
      const cut = ids.length - MAX_REMEMBERED;
      for (let i = 0; i < cut; i++) this.entries.delete(ids[i]!);
      ids = ids.slice(cut);
      times = times.slice(cut);
    }
    const since = times[0]!;
    return { since, issues: entriesText(ids, times, since) };
  }
}

/**
 * `<id>:<base-36 ms after since>,...` written as bytes: toString(36) of a number past 2^31 (months of
 * ms) took ~0.5 us, and a STATE lists up to MAX_REMEMBERED of them. Ids are ASCII (ID).
 */
function entriesText(ids: readonly string[], times: readonly number[], since: number): string {
  let size = 0;
  for (let i = 0; i < ids.length; i++) {
    const n = times[i]! - since;
    // Never in a walk (whole ms, since the least): written as toString(36) would, for readableState to refuse.
    if (!Number.isSafeInteger(n) || n < 0) return ids.map((id, j) => `${id}:${(times[j]! - since).toString(36)}`).join(',');
    size += ids[i]!.length + 13; // ':', at most 11 base-36 digits, ','
  }
  const b = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) b[at++] = 0x2c;
    const id = ids[i]!;
    for (let k = 0; k < id.length; k++) b[at++] = id.charCodeAt(k);
    b[at++] = 0x3a;
    let n = times[i]! - since;
    const first = at;
    do {
      const q = Math.floor(n / 36);
      const d = n - q * 36;
      b[at++] = d < 10 ? 0x30 + d : 0x57 + d; // 0-9, a-z
      n = q;
    } while (n > 0);
    for (let l = first, r = at - 1; l < r; l++, r--) {
      const c = b[l]!;
      b[l] = b[r]!;
      b[r] = c;
    }
  }
  return b.toString('latin1', 0, at);
}
