// The rule every run must keep, whatever the server did: at each STATE, every issue its position (or
// cursor) covers was emitted before it. Returns a line per STATE that covered issues too early (empty
// when none). Takes Airbyte or Singer messages; only the issues stream's records and states count.
import type { Message } from './run-cli.js';
import type { TruthIssue } from '../../src/simulator/types.js';

export function statesAheadOfRecords(messages: Message[], truth: TruthIssue[]): string[] {
  const emitted = new Set<string>();
  const ahead: string[] = [];
  for (const m of messages) {
    if (m.type === 'RECORD' && (m.record.stream ?? m.stream) === 'issues') emitted.add(String(m.record.data?.id ?? m.record.id));
    if (m.type !== 'STATE') continue;
    const airbyte = m.state?.stream;
    if (airbyte !== undefined && airbyte.stream_descriptor?.name !== 'issues') continue;
    const st = (airbyte?.stream_state ?? m.value?.bookmarks?.issues ?? {}) as { cursor?: string; position?: { updated: number; ids: string[] } };
    const covered = st.position
      ? truth.filter((t) => t.updated < st.position!.updated || (t.updated === st.position!.updated && st.position!.ids.includes(t.id)))
      : st.cursor === undefined
        ? []
        : truth.filter((t) => t.updated < Date.parse(st.cursor!));
    const missing = covered.filter((t) => !emitted.has(t.id));
    if (missing.length > 0) ahead.push(`${JSON.stringify(st).slice(0, 120)} covers ${missing.length} issues not emitted (e.g. ${missing[0]!.id})`);
  }
  return ahead;
}
