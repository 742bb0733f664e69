// When a walk runs the id census: `issues` (tombstones) or `deleted_issues` is read incrementally on
// Cloud. A full refresh replaces the table, so it has nothing to delete; Data Center has no census
// (its search pages by offset within a 10,000-row window, 1000 rows a page).
import type { StreamContext } from '../streams/stream.js';
import { deploymentOf } from '../jira/deployment.js';
import type { CensusState } from './census-state.js';
import { CensusRun, DELETED_ISSUES } from './census-run.js';
import { SETTLE_MS } from '../state/issues-state.js';

export function censusFor(ctx: StreamContext, names: readonly string[], label: string, prior: CensusState | undefined): CensusRun | undefined {
  const into = { issues: names.includes('issues'), deletedIssues: names.includes(DELETED_ISSUES), walked: names.some((n) => n !== DELETED_ISSUES) };
  if (!into.issues && !into.deletedIssues) return undefined;
  if (ctx.syncMode !== 'incremental' || deploymentOf(ctx.config) !== 'cloud') return undefined;
  // Until start_date has passed nothing is read, so nothing can have been deleted from the warehouse.
  if (Date.parse(ctx.config.start_date) >= ctx.clock() - SETTLE_MS) return undefined;
  return new CensusRun(ctx, prior, { userJql: ctx.config.jql, projects: ctx.config.projects }, into, label);
}
