// The rule every run must keep, whatever the server did: at each STATE, every issue its position (or
// cursor) covers was emitted before it. Returns a line per STATE that covered issues too early (empty
// when none). Takes Airbyte or Singer messages; only the named stream's records and states count.
// For the issues stream an issue is emitted when its record is; for a stream derived from the walk
// (issue_links, sprint_issues) when a record of it names the issue (`issueOf`), and only the issues
// that have such records in the truth are expected (`truth` is then those issues).
import type { Message } from './run-cli.js';
import type { TruthIssue } from '../../src/simulator/types.js';

export interface CoverageOptions {
  /** default issues */
  stream?: string;
  /** the issue id a record is about (default: its `id`) */
  issueOf?: (data: Record<string, unknown>) => string;
}

export function statesAheadOfRecords(messages: Message[], truth: TruthIssue[], opts: CoverageOptions = {}): string[] {
  const stream = opts.stream ?? 'issues';
  const issueOf = opts.issueOf ?? ((d) => String(d.id));
  const emitted = new Set<string>();
  const ahead: string[] = [];
  for (const m of messages) {
    if (m.type === 'RECORD' && (m.record?.stream ?? m.stream) === stream) emitted.add(issueOf(m.record.data ?? m.record));
    if (m.type !== 'STATE') continue;
    const airbyte = m.state?.stream;
    if (airbyte !== undefined && airbyte.stream_descriptor?.name !== stream) continue;
    const st = (airbyte?.stream_state ?? m.value?.bookmarks?.[stream] ?? {}) as { cursor?: string; position?: { updated: number; ids: string[] } };
    const covered = st.position
      ? truth.filter((t) => t.updated < st.position!.updated || (t.updated === st.position!.updated && st.position!.ids.includes(t.id)))
      : st.cursor === undefined
        ? []
        : truth.filter((t) => t.updated < Date.parse(st.cursor!));
    const missing = covered.filter((t) => !emitted.has(t.id));
    if (missing.length > 0) ahead.push(`${stream} ${JSON.stringify(st).slice(0, 120)} covers ${missing.length} issues not emitted (e.g. ${missing[0]!.id})`);
  }
  return ahead;
}
