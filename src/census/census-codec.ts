// The census in a state, compactly: all ids as sorted ranges (Jira's ids are dense: a site's 100k
// issues are one or a few ranges) and, to know which project each id was in, one small number per id
// (its project's place in `projects`), packed in as few bits as the project count needs, base64. The
// size is about n x bits / 6 characters: 100k ids in 4 projects ~ 33 KB; in 100 projects ~ 117 KB.
import type { IdsByProject } from './census-state.js';
import { decodeRanges, encodeRanges } from './id-ranges.js';

export interface EncodedCensus {
  ids: string;
  projects: string[];
  /** base64 of the packed project places, one per id of `ids` in order; absent with one project */
  owners?: string;
}

const bitsFor = (projects: number) => Math.max(1, Math.ceil(Math.log2(Math.max(2, projects))));

export function encodeCensus(byProject: IdsByProject): EncodedCensus {
  const projects = [...byProject.keys()].sort();
  const pairs: Array<[number, number]> = [];
  projects.forEach((p, n) => {
    for (const id of byProject.get(p)!) pairs.push([id, n]);
  });
  pairs.sort((a, b) => a[0] - b[0]);
  return encodeSorted(
    pairs.map((x) => x[0]),
    pairs.map((x) => x[1]),
    projects,
  );
}

/** `ids` ascending; `owners[i]`: the place in `projects` (sorted) of ids[i]'s project. */
export function encodeSorted(ids: ArrayLike<number>, owners: ArrayLike<number>, projects: readonly string[]): EncodedCensus {
  const ranges = encodeRanges(ids);
  if (projects.length <= 1) return { ids: ranges, projects: [...projects] };
  const bits = bitsFor(projects.length);
  const bytes = Buffer.alloc(Math.ceil((ids.length * bits) / 8));
  // Each owner's bits go in after the previous one's, lowest first; whole bytes leave from the bottom.
  let pending = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    pending |= owners[i]! << held;
    held += bits;
    for (; held >= 8; held -= 8) {
      bytes[at++] = pending & 0xff;
      pending >>>= 8;
    }
  }
  if (held > 0) bytes[at] = pending;
  return { ids: ranges, projects: [...projects], owners: bytes.toString('base64') };
}

/** Throws an Error naming what is wrong. */
export function decodeCensus(c: EncodedCensus): IdsByProject {
  const ids = decodeRanges(c.ids);
  const out: IdsByProject = new Map(c.projects.map((p) => [p, []]));
  if (c.projects.length === 0) {
    if (ids.length > 0) throw new Error('ids without projects');
    return out;
  }
  if (c.projects.length === 1) {
    if (c.owners !== undefined) throw new Error('owners with one project');
    out.set(c.projects[0]!, ids);
    return out;
  }
  if (typeof c.owners !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(c.owners)) throw new Error('owners must be base64');
  const bytes = Buffer.from(c.owners, 'base64');
  const bits = bitsFor(c.projects.length);
  if (bytes.length !== Math.ceil((ids.length * bits) / 8)) throw new Error(`owners has ${bytes.length} bytes for ${ids.length} ids`);
  ids.forEach((id, i) => {
    let owner = 0;
    for (let b = 0; b < bits; b++) if ((bytes[(i * bits + b) >> 3]! >> ((i * bits + b) & 7)) & 1) owner |= 1 << b;
    const project = c.projects[owner];
    if (project === undefined) throw new Error(`owner ${owner} of id ${id} is not a project`);
    out.get(project)!.push(id);
  });
  return out;
}
