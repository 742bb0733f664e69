// The connector's JQL. Bounds are epoch milliseconds (unquoted integers): Jira reads them as
// instants, so neither the user's profile time zone nor minute-precision date strings can shift them.
import { configError } from '../errors.js';

export interface JqlScope {
  /** the user's extra JQL (ANDed, parenthesised) */
  userJql?: string | undefined;
  projects?: string[] | undefined;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function scopeClauses(scope: JqlScope): string[] {
  const clauses: string[] = [];
  const user = scope.userJql?.trim();
  if (user) {
    if (/\border\s+by\b/i.test(user)) {
      throw configError('jql must not contain ORDER BY: the connector orders by updated and key itself; remove the ORDER BY clause from jql.');
    }
    clauses.push(`(${user})`);
  }
  if (scope.projects && scope.projects.length > 0) clauses.push(`project in (${scope.projects.map(quote).join(', ')})`);
  return clauses;
}

/** Rows with lower <= updated < upper, in the one total order the walk relies on. */
export function rangeJql(scope: JqlScope, lower: number, upper: number): string {
  return [...scopeClauses(scope), `updated >= ${lower}`, `updated < ${upper}`].join(' AND ') + ' ORDER BY updated ASC, key ASC';
}

/** Rows at exactly one instant (a tie group), for the re-list passes. */
export function instantJql(scope: JqlScope, at: number): string {
  return [...scopeClauses(scope), `updated >= ${at}`, `updated < ${at + 1}`].join(' AND ') + ' ORDER BY key ASC';
}

/**
 * Every issue in scope updated at or after `from` (start_date: what the walk reads) with an id above
 * `after` (and at most `through`: one segment of a census listed in parallel), by id: one page of the
 * id census (a fresh query a page, so no token can skip rows).
 */
export function idsAfterJql(scope: JqlScope, from: number, after: number, through?: number): string {
  const upTo = through === undefined ? [] : [`id <= ${through}`];
  return [...scopeClauses(scope), `updated >= ${from}`, `id > ${after}`, ...upTo].join(' AND ') + ' ORDER BY id ASC';
}

/** The rows of rangeJql without an order, for counting (approximate-count). */
export function countJql(scope: JqlScope, lower: number, upper: number): string {
  return [...scopeClauses(scope), `updated >= ${lower}`, `updated < ${upper}`].join(' AND ');
}

/** The issues among `ids` that the scope holds (`scope` empty: the ids alone). */
export function idsJql(scope: JqlScope, ids: readonly string[]): string {
  return [...scopeClauses(scope), `id in (${ids.join(', ')})`].join(' AND ');
}
