// Sets of Jira issue ids as sorted ranges ("10000-10999,11001,11003-11500"). Jira hands out issue ids
// from one counter per site, so the ids of a project, or of a whole site, are mostly consecutive: a
// set of 100k ids with few gaps is a few dozen characters. The worst case, projects whose issues were
// created alternately, is one range per id (about 6 characters each).

/** `sorted`: ascending, distinct, safe integers. */
export function encodeRanges(sorted: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const from = sorted[i]!;
    let to = from;
    while (i + 1 < sorted.length && sorted[i + 1] === to + 1) to = sorted[++i]!;
    i++;
    parts.push(from === to ? String(from) : `${from}-${to}`);
  }
  return parts.join(',');
}

/** More ids than any Jira site holds: a range past it is an edited state, not a census. */
export const MAX_IDS = 50_000_000;

/** The ids of `text`, ascending; throws an Error naming the first bad part. */
export function decodeRanges(text: string): number[] {
  const out: number[] = [];
  if (text === '') return out;
  for (const part of text.split(',')) {
    const m = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] === undefined ? from : Number(m[2]);
    const last = out.length > 0 ? out[out.length - 1]! : -1;
    if (!m || to < from || from <= last) throw new Error(`bad id range ${JSON.stringify(part)} (expected ascending "from-to" or "id" parts)`);
    if (out.length + (to - from) >= MAX_IDS) throw new Error(`id ranges holding more than ${MAX_IDS} ids`);
    for (let id = from; id <= to; id++) out.push(id);
  }
  return out;
}

/** Whether `id` is in `sorted` (ascending). */
export function hasId(sorted: ArrayLike<number>, id: number): boolean {
  return indexOfId(sorted, id) >= 0;
}

/** The place of `id` among the first `length` of `sorted` (ascending), or -1. */
export function indexOfId(sorted: ArrayLike<number>, id: number, length = sorted.length): number {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
