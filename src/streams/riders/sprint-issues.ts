// sprint_issues: sprint membership from each issue's Sprint field, one row per (sprint, issue), id
// "<sprintId>-<issueId>" as Airbyte's. The field lists the sprints the issue is in and was in when
// each closed (not the ones it left before a close). Like issue_links, an issue's full set is emitted
// every time it changes, with its `updated` as `issue_updated`: a row is current exactly when that
// equals the issue's latest `updated`.
import { toUtcRfc3339 } from '../../jira/jira-time.js';
import type { PreparedMember, WalkMember } from './rider.js';
import { findSprintField, sprintRefs } from './sprint-field.js';

export const sprintIssuesRider: WalkMember = {
  name: 'sprint_issues',
  async prepare(ctx): Promise<PreparedMember> {
    const field = await findSprintField(ctx);
    if (field === undefined) {
      ctx.logger.warn('sprint_issues: this site has no Sprint field (com.pyxis.greenhopper.jira:gh-sprint in /field: Jira Software is not installed), so no issue is in a sprint; nothing to emit');
      return { fields: [], picks: {}, records: () => [] };
    }
    return {
      fields: [field],
      picks: { updated: null, [field]: null },
      records(issue) {
        const issueUpdated = toUtcRfc3339(issue.picked.updated);
        const seen = new Set<number>();
        return sprintRefs(issue.picked[field]).flatMap((s) => {
          if (seen.has(s.id)) return [];
          seen.add(s.id);
          return [{ id: `${s.id}-${issue.id}`, sprint_id: s.id, board_id: s.boardId, issue_id: issue.id, issue_key: issue.key, issue_updated: issueUpdated }];
        });
      },
    };
  },
};
