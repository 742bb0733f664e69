// The limit model: the fewest requests the connector's strategy needs, and the shortest wall time the
// simulator's settings allow for it. Pure functions, so the unit tests can pin every formula.
//
// Time is counted in "rounds": one request takes one mean latency (jitter is symmetric, so it averages
// out over many requests). Server work, transfer and the connector's own CPU are not in the limit:
// they are what the measured/limit ratio exposes.

export type Mode = 'cloud' | 'datacenter';
export type Scenario = 'a' | 'b' | 'c' | 'd';

/** Cloud: ids-first seek walk on /search/jql, bodies via /issue/bulkfetch, pipelined with the walk. */
export interface CloudStrategy {
  /** Ids per /search/jql page (config page_size, ≤ 5000). */
  pageSize: number;
  /** Issues per /issue/bulkfetch call (Jira allows 100). */
  batchSize: number;
  /** Requests in flight at once (config max_concurrency). */
  concurrency: number;
  /** True when the walk's search request takes one of the `concurrency` slots; false when it runs beside them. */
  walkUsesSlot: boolean;
  /** Requests outside the walk and its bulkfetches (/myself, the tail-sweep query). */
  fixedRequests: number;
  /** Of those, how many are sequential round trips before or after the walk. */
  fixedRounds: number;
  /** Rows Jira returns on a search page carrying `updated` (the simulator's fieldPageCap; Infinity: none). */
  fieldCap?: number;
  /**
   * From this many issues the window is cut into leaves, each listed by one ids-only page (≤ idsPageRows
   * rows, which no field cap touches), leavesAtOnce at a time; below it one seek walk reads it.
   */
  leafMinTotal?: number;
  idsPageRows?: number;
  leavesAtOnce?: number;
  /** approximate-count requests and round trips that cut the leaves. */
  countRequests?: number;
  countRounds?: number;
}

/** Data Center: sequential /rest/api/2/search pages carrying full bodies. */
export interface DataCenterStrategy {
  pageSize: number;
  /** The server's silent maxResults cap (jira.search.views.default.max, 1000 by default). */
  serverCap: number;
  fixedRequests: number;
  fixedRounds: number;
}

export interface RequestPlan {
  searchPages: number;
  bulkfetchCalls: number;
  fixedRequests: number;
  total: number;
  /** Sequential round trips of the ideal schedule (the latency-bound lower limit, in latencies). */
  rounds: number;
}

export const defaultCloudStrategy: CloudStrategy = {
  pageSize: 1000,
  batchSize: 100,
  concurrency: 8,
  walkUsesSlot: true,
  // GET /myself before the walk (read proves the credentials first) and the tail sweep after the
  // window (one search over [upper, now), empty when nothing changed): two sequential round trips.
  fixedRequests: 2,
  fixedRounds: 2,
};

/** The connector's strategy since issue 11: windows of 1000 issues or more are cut into leaves (partition-plan.ts). */
export const leafCloudStrategy: CloudStrategy = {
  ...defaultCloudStrategy,
  fieldCap: Infinity,
  leafMinTotal: 1000,
  idsPageRows: 5000,
  leavesAtOnce: 2,
  // one round of counts, as many buckets as requests in flight (issues.ts leavesOf)
  countRequests: 8,
  countRounds: 1,
};

export const defaultDataCenterStrategy: DataCenterStrategy = {
  pageSize: 1000,
  serverCap: 1000,
  // /myself and the tail sweep, as on Cloud.
  fixedRequests: 2,
  fixedRounds: 2,
};

function ceilDiv(a: number, b: number): number {
  return Math.ceil(a / b);
}

function assertPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/** Search pages of a walk over n items: a walk always reads at least one (possibly empty, isLast) page. */
export function pagesFor(n: number, pageSize: number): number {
  assertPositive('pageSize', pageSize);
  return Math.max(1, ceilDiv(n, pageSize));
}

/**
 * Cloud plan. Requests: S = max(1, ⌈n/P⌉) search pages, F = ⌈n/B⌉ bulkfetch calls, plus the fixed ones.
 * Rounds (a lower bound any schedule of this strategy obeys, and tight when bulkfetch keeps every slot busy):
 *   fixedRounds + max(S + 1, 1 + ⌈(S − 1 + F) / C⌉)   when the walk takes a slot
 *   fixedRounds + max(S + 1, 1 + ⌈F / C⌉)             when it runs beside C bulkfetch slots
 * S + 1: the walk is sequential and the last page's bodies need one more round trip after it.
 * 1 + ⌈…/C⌉: in round 1 only page 1 can be in flight (no ids known yet); after that at most C requests
 * run at once, and S − 1 + F requests remain.
 */
export function cloudPlan(n: number, s: CloudStrategy = defaultCloudStrategy): RequestPlan {
  assertPositive('batchSize', s.batchSize);
  assertPositive('concurrency', s.concurrency);
  if (s.leafMinTotal !== undefined && n >= s.leafMinTotal) return leafPlan(n, s);
  // A seek-walk page carries `updated`, so it holds at most fieldCap rows, whatever page_size asks.
  const searchPages = pagesFor(n, Math.min(s.pageSize, s.fieldCap ?? Infinity));
  const bulkfetchCalls = ceilDiv(n, s.batchSize);
  // The read in leaves first lists the window by one ids-only page, which sends a small one to the seek walk.
  const probe = s.leafMinTotal !== undefined ? 1 : 0;
  const fixedRequests = s.fixedRequests + probe;
  const total = searchPages + bulkfetchCalls + fixedRequests;
  let rounds = s.fixedRounds + probe;
  if (n === 0) rounds += 1;
  else {
    const pooled = s.walkUsesSlot ? searchPages - 1 + bulkfetchCalls : bulkfetchCalls;
    rounds += Math.max(searchPages + 1, 1 + ceilDiv(pooled, s.concurrency));
  }
  return { searchPages, bulkfetchCalls, fixedRequests, total, rounds };
}

/** Data Center plan: ⌈n / min(P, cap)⌉ sequential pages (at least one), plus the fixed requests. */
export function dataCenterPlan(n: number, s: DataCenterStrategy = defaultDataCenterStrategy): RequestPlan {
  const searchPages = pagesFor(n, Math.min(s.pageSize, s.serverCap));
  return {
    searchPages,
    bulkfetchCalls: 0,
    fixedRequests: s.fixedRequests,
    total: searchPages + s.fixedRequests,
    rounds: s.fixedRounds + searchPages,
  };
}

export interface LimitInputs {
  scenario: Scenario;
  n: number;
  plan: RequestPlan;
  /** Mean per-request latency of the simulator (ms). */
  latencyMs: number;
  /** Scenario b: the simulator's allowed requests per second. */
  rateLimitRps?: number;
  /** Scenario c: the CPU target, issues per second on one core. */
  cpuTargetPerSecond?: number;
  /** Scenario d: bytes the connector wrote to stdout, and the consumer's read rate (bytes/s). */
  stdoutBytes?: number;
  consumerBytesPerSecond?: number;
}

export type LimitBasis = 'latency' | 'rate' | 'cpu-target' | 'consumer';

export interface Limit {
  seconds: number;
  basis: LimitBasis;
  /** The latency-bound part alone: rounds × mean latency. */
  latencySeconds: number;
}

/**
 * The wall-time limit of one scenario.
 *   a: rounds × latency
 *   b: max(rounds × latency, requests ÷ rps)                       (rate-bound when the rate binds)
 *   c: n ÷ cpuTarget (latency is zero, so the limit is the CPU target of issue 5, not a physical bound)
 *   d: max(rounds × latency, stdout bytes ÷ consumer bytes/s)
 */
export function scenarioLimit(x: LimitInputs): Limit {
  const latencySeconds = (x.plan.rounds * x.latencyMs) / 1000;
  const pick = (other: number, basis: LimitBasis): Limit =>
    other > latencySeconds ? { seconds: other, basis, latencySeconds } : { seconds: latencySeconds, basis: 'latency', latencySeconds };
  switch (x.scenario) {
    case 'a':
      return { seconds: latencySeconds, basis: 'latency', latencySeconds };
    case 'b':
      if (!x.rateLimitRps) throw new RangeError('scenario b needs rateLimitRps');
      return pick(x.plan.total / x.rateLimitRps, 'rate');
    case 'c':
      if (!x.cpuTargetPerSecond) throw new RangeError('scenario c needs cpuTargetPerSecond');
      return { seconds: x.n / x.cpuTargetPerSecond, basis: 'cpu-target', latencySeconds };
    case 'd':
      if (x.stdoutBytes === undefined || !x.consumerBytesPerSecond) throw new RangeError('scenario d needs stdoutBytes and consumerBytesPerSecond');
      return pick(x.stdoutBytes / x.consumerBytesPerSecond, 'consumer');
  }
}

/**
 * Cloud in leaves: one ids-only page lists the window (all of it up to idsPageRows issues); beyond
 * that, one round of countRequests cuts it and each leaf is one more ids-only page, at best
 * idsPageRows issues each, leavesAtOnce at a time. Bodies as ever: ⌈n/B⌉ bulkfetch calls, C at once.
 */
export function leafPlan(n: number, s: CloudStrategy): RequestPlan {
  const pageRows = s.idsPageRows ?? 5000;
  const cut = n > pageRows;
  const leafPages = cut ? ceilDiv(n, pageRows) : 0;
  const searchPages = 1 + leafPages;
  const bulkfetchCalls = ceilDiv(n, s.batchSize);
  const fixedRequests = s.fixedRequests + (cut ? s.countRequests ?? 0 : 0);
  const total = searchPages + bulkfetchCalls + fixedRequests;
  const chains = Math.max(1, s.leavesAtOnce ?? 1);
  const rounds = s.fixedRounds + 1 + (cut ? s.countRounds ?? 0 : 0) + Math.max(ceilDiv(leafPages, chains) + 1, ceilDiv(leafPages + bulkfetchCalls, s.concurrency));
  return { searchPages, bulkfetchCalls, fixedRequests, total, rounds };
}
