// issue_links: the links in each issue's `issuelinks` field, one row per (issue, link) as seen from
// that issue. A link shows on both of its issues with the same id, so the pair is the key; the
// from/to columns name the same direction on both rows (from <outward verb> to, e.g. A blocks B), so
// `DISTINCT ON (id)` gives one row per link. Jira keeps no tombstone of an unlinked link: every time
// an issue changes, all its current links are emitted with its `updated` as `issue_updated`, so a row
// is current exactly when its issue_updated equals the issue's latest `updated` (README "Streams").
import { toUtcRfc3339 } from '../../jira/jira-time.js';
import type { JsonObject } from '../stream.js';
import type { WalkMember } from './rider.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): JsonObject | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined);

export const issueLinksRider: WalkMember = {
  name: 'issue_links',
  prepare: async () => ({
    fields: ['issuelinks'],
    picks: { updated: null, issuelinks: null },
    records(issue) {
      const links = issue.picked.issuelinks;
      if (!Array.isArray(links)) return [];
      const issueUpdated = toUtcRfc3339(issue.picked.updated);
      const here = { id: issue.id, key: issue.key };
      const out: JsonObject[] = [];
      for (const raw of links) {
        const link = obj(raw);
        const id = str(link?.id);
        if (link === undefined || id === null) continue;
        const outward = obj(link.outwardIssue);
        const inward = obj(link.inwardIssue);
        const other = outward ?? inward;
        if (other === undefined) continue;
        const there = { id: str(other.id), key: str(other.key) };
        // On issue A, `outwardIssue: B` reads "A <outward> B"; `inwardIssue: C` reads "A <inward> C", i.e. "C <outward> A".
        const [from, to] = outward !== undefined ? [here, there] : [there, here];
        const type = obj(link.type) ?? {};
        out.push({
          id,
          issue_id: issue.id,
          issue_key: issue.key,
          issue_updated: issueUpdated,
          direction: outward !== undefined ? 'outward' : 'inward',
          linked_issue_id: there.id,
          linked_issue_key: there.key,
          type_id: str(type.id),
          type_name: str(type.name),
          type_outward: str(type.outward),
          type_inward: str(type.inward),
          from_issue_id: from.id,
          from_issue_key: from.key,
          to_issue_id: to.id,
          to_issue_key: to.key,
        });
      }
      return out;
    },
  }),
};
