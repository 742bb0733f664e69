// The rule every run must keep, whatever the server did: at each STATE, every issue its position (or
// cursor) covers was emitted before it. Returns the ids a STATE covered too early (empty when none).
import type { Message } from './run-cli.js';
import type { TruthIssue } from '../../src/simulator/types.js';

export function statesAheadOfRecords(messages: Message[], truth: TruthIssue[]): string[] {
  const emitted = new Set<string>();
  const ahead: string[] = [];
  for (const m of messages) {
    if (m.type === 'RECORD') emitted.add(String(m.record.data.id));
    if (m.type !== 'STATE') continue;
    const st = m.state.stream?.stream_state ?? m.value?.bookmarks?.issues ?? {};
    const covered = st.position
      ? truth.filter((t) => t.updated < st.position.updated || (t.updated === st.position.updated && st.position.ids.includes(t.id)))
      : st.cursor === undefined
        ? []
        : truth.filter((t) => t.updated < Date.parse(st.cursor));
    for (const t of covered) if (!emitted.has(t.id)) ahead.push(t.id);
  }
  return ahead;
}
