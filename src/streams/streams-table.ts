// The README's streams table, generated from the registry so the two cannot drift apart
// (scripts/streams-table.mjs writes it; a test fails when README.md holds another one).
import type { Endpoint, ListStream } from './declare.js';
import type { JsonObject, Stream } from './stream.js';

export const TABLE_START = "<!-- streams-table:start -->";
export const TABLE_END = '<!-- streams-table:end -->';

const ROOTS = { cloud: '/rest/api/3', datacenter: '/rest/api/2', agile: '/rest/agile/1.0' } as const;

/** A parent record whose every field reads as its own `{name}`, so a child's path shows its placeholders. */
const placeholders = new Proxy({}, { get: (_t, k) => `{${String(k)}}` }) as JsonObject;

const PAGES: Record<string, string> = { pageBean: 'PageBean', offsetArray: 'bare array by startAt', tokenPages: 'cursor', legacyPage: 'startAt/total' };

const isList = (s: Stream): s is ListStream => 'spec' in s && typeof (s as ListStream).records === 'function';

function endpointText(ep: Endpoint, deployment: 'cloud' | 'datacenter', parent: string | undefined): string {
  const root = ep.api === 'agile' ? ROOTS.agile : ROOTS[deployment];
  const path = typeof ep.path === 'function' ? ep.path(placeholders) : ep.path;
  const query = (typeof ep.query === 'function' ? ep.query(placeholders) : ep.query) ?? {};
  // `expand` lists are long and say nothing about where the rows come from.
  const shown = Object.entries(query).filter(([k, v]) => k !== 'expand' && v !== undefined);
  const q = shown.length === 0 ? '' : `?${shown.map(([k, v]) => `${k}=${String(v)}`).join('&')}`;
  const page = Number.isFinite(ep.paging.pageSize) ? ` (${PAGES[ep.paging.kind] ?? ep.paging.kind}, ${ep.paging.pageSize} a page)` : '';
  let text = `\`GET ${root}${path}${q}\`${page}`;
  if (parent !== undefined) text += ` per \`${parent}\` row`;
  if (ep.fallback !== undefined) text += `; on a 404: ${endpointText(ep.fallback, deployment, parent)}`;
  if (ep.stopsAt !== undefined) text += ` (stops at ${ep.stopsAt.items}: a WARN)`;
  return text;
}

function endpoints(s: Stream): { cloud: string; datacenter: string } {
  if (isList(s)) {
    const parent = s.spec.parent?.stream.name;
    return {
      cloud: endpointText(s.spec.cloud, 'cloud', parent),
      datacenter: s.spec.datacenter === undefined ? 'Cloud only' : s.spec.datacenter === s.spec.cloud && s.spec.cloud.api === 'agile' ? 'same' : endpointText(s.spec.datacenter, 'datacenter', parent),
    };
  }
  const d = s.endpoints;
  if (d === undefined) return { cloud: '(not described)', datacenter: '(not described)' };
  const offered = s.availableOn === undefined || s.availableOn.includes('datacenter');
  return { cloud: d.cloud, datacenter: offered ? (d.datacenter ?? d.cloud) : 'Cloud only' };
}

const code = (paths: string[][]) => paths.map((p) => `\`${p.join('.')}\``).join(', ');

/** The markdown table, one row per stream in registry order, between its markers. */
export function streamsTable(streams: Stream[]): string {
  const rows = streams.map((s) => {
    const e = endpoints(s);
    const modes = s.cursorField ? 'full refresh, incremental' : 'full refresh';
    const cursor = s.cursorField ? code([s.cursorField]) : '—';
    return `| \`${s.name}\` | ${code(s.primaryKey)} | ${modes} | ${cursor} | ${e.cloud} | ${e.datacenter} |`;
  });
  return [
    TABLE_START,
    '| stream | primary key | sync modes | cursor | Cloud endpoint | Data Center endpoint |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    TABLE_END,
  ].join('\n');
}

/** `readme` with the block between the markers replaced by `table`; throws when the markers are missing. */
export function withStreamsTable(readme: string, table: string): string {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`README.md has no streams table markers (${TABLE_START} … ${TABLE_END}); put them where the table goes`);
  return readme.slice(0, a) + table + readme.slice(b + TABLE_END.length);
}
