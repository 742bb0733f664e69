// `jira-sim`: starts the simulator and prints its base URL as the first line of stdout, then runs
// until SIGINT/SIGTERM. Out-of-process users drive it through /__sim/ (see README).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSimulator } from './simulator.js';
import type { SimulatorOptions } from './types.js';
import { LIE_NAMES } from './lies.js';
import { withScopes } from './auth-tokens.js';

function int(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be an integer, got '${v}'.`);
    return Number(v);
  };
}
function num(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got '${v}'.`);
    return n;
  };
}

function lieNames(v: string): string[] {
  const names = v.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(LIE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown lie ${unknown.join(', ')}; known: ${LIE_NAMES.join(', ')}.`);
  return names;
}

const program = new Command('jira-sim')
  .description('A Jira Cloud / Data Center simulator for tests, benchmarks and demos.')
  .option('--port <n>', 'port to listen on (0 = any free port)', int('--port'), 0)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--seed <n>', 'seed for the generated data', int('--seed'), 1)
  .option('--issues <n>', 'number of seeded issues', int('--issues'), 1000)
  .option('--projects <n>', 'number of projects', int('--projects'), 4)
  .option('--users <n>', 'number of users', int('--users'))
  .option('--boards <n>', 'number of boards (one of them kanban; default one scrum board per project plus one kanban)', int('--boards'))
  .option('--sprints <n>', 'sprints in all, over the scrum boards (default nine per scrum board)', int('--sprints'))
  .option('--versions-per-project <n>', 'versions per project', int('--versions-per-project'))
  .option('--no-dc-user-list', 'Data Center: answer /user/list with 404, as releases before 10.3 do')
  .option('--admin', 'the user administers Jira: the audit log answers (default: 403)')
  .option('--extra-custom-fields <n>', 'seed n more custom fields (ten common types in turn)', int('--extra-custom-fields'))
  .addOption(new Option('--mode <mode>', 'deployment type').choices(['cloud', 'datacenter']).default('cloud'))
  .option('--time-zone <zone>', 'IANA time zone of the searching user', 'Asia/Kathmandu')
  .addOption(new Option('--token-semantics <kind>', 'what a nextPageToken means').choices(['keyset', 'offset']).default('keyset'))
  .option('--token-ttl-ms <n>', 'page token lifetime', num('--token-ttl-ms'))
  .option('--fields-page-cap <n>', 'largest /search/jql page when many fields are requested', int('--fields-page-cap'))
  .option('--field-page-cap <n>', 'largest /search/jql page when any field besides id/key is requested (default 5000)', int('--field-page-cap'))
  .option('--list-page-cap <n>', 'a further silent cap on every paged list endpoint (0 = off)', int('--list-page-cap'))
  .option('--dc-max-results <n>', 'Data Center silent maxResults cap', int('--dc-max-results'))
  .option('--dc-result-window <n>', 'Data Center deep-paging window', int('--dc-result-window'))
  .option('--index-lag-ms <n>', 'search sees changes this late', num('--index-lag-ms'))
  .option('--worklog-feed-delay-ms <n>', 'the worklog feeds leave out changes younger than this (default 60000)', num('--worklog-feed-delay-ms'))
  .option('--latency-ms <n>', 'fixed latency per request', num('--latency-ms'))
  .option('--jitter-ms <n>', 'uniform latency jitter (+/-)', num('--jitter-ms'))
  .option('--per-row-ms <n>', 'latency added per issue a reply carries (search pages, bulkfetch)', num('--per-row-ms'))
  .option('--rate-limit-rps <n>', 'token-bucket requests per second (429 beyond)', num('--rate-limit-rps'))
  .option('--rate-limit-burst <n>', 'token-bucket size', num('--rate-limit-burst'))
  .option('--churn-updates-per-second <n>', 'background issue updates', num('--churn-updates-per-second'))
  .option('--churn-creates-per-second <n>', 'background issue creates', num('--churn-creates-per-second'))
  .option('--churn-deletes-per-second <n>', 'background issue deletes', num('--churn-deletes-per-second'))
  .option('--churn-comments-per-second <n>', 'background comments', num('--churn-comments-per-second'))
  .option('--churn-comment-changes-per-second <n>', 'background comment edits and deletions (half each)', num('--churn-comment-changes-per-second'))
  .option('--churn-worklogs-per-second <n>', 'background worklogs', num('--churn-worklogs-per-second'))
  .option('--churn-moves-per-second <n>', 'background moves to another project (new keys)', num('--churn-moves-per-second'))
  .option('--fault-429-rate <p>', 'probability of a 429 per request (0..1)', num('--fault-429-rate'))
  .option('--retry-after-seconds <n>', 'Retry-After sent with random 429s', num('--retry-after-seconds'))
  .option('--fault-503-rate <p>', 'probability of a 503 (HTML body)', num('--fault-503-rate'))
  .option('--fault-reset-rate <p>', 'probability of a connection reset mid-response', num('--fault-reset-rate'))
  .option('--fault-truncated-rate <p>', 'probability of a truncated JSON body', num('--fault-truncated-rate'))
  .option('--fault-status-rate <p>', 'probability of answering --fault-status (a Jira error body)', num('--fault-status-rate'))
  .option('--fault-status <n>', 'the status --fault-status-rate answers with (default 403)', int('--fault-status'))
  .option('--lies <names>', `answers that break Jira's contract, comma separated: ${LIE_NAMES.join(', ')}`, lieNames)
  .option('--lie-bulkfetch-omit-rate <p>', 'fraction of ids bulkfetch silently leaves out (0..1)', num('--lie-bulkfetch-omit-rate'))
  .option('--fault-retry-after-raw <text>', 'Retry-After sent verbatim with the 429 fault (e.g. -5, soon, an HTTP date)')
  .option('--fault-drip-ms <n>', 'send headers, then the body one byte every n ms', num('--fault-drip-ms'))
  .option('--fault-pad-bytes <n>', 'pad JSON answers with n bytes (streamed)', num('--fault-pad-bytes'))
  .option('--fault-pad-bytes-per-issue <n>', 'pad search/bulkfetch answers with n bytes per issue', num('--fault-pad-bytes-per-issue'))
  .option('--fault-pad-issue-fields', 'put the per-issue padding into each issue\'s fields')
  .option('--fault-redirect-to <url>', 'answer 302 to this URL plus the request path')
  .option('--fault-drop-content-type', 'send answers without a Content-Type')
  .option('--fault-paths <list>', 'comma-separated path prefixes the faults apply to (default: all)')
  .option('--fault-max <n>', 'at most n faulted answers', int('--fault-max'))
  .option('--fault-after <n>', 'answer the first n matching requests normally', int('--fault-after'))
  .option('--tls-cert <file>', 'serve https with this PEM certificate (needs --tls-key)')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--now <epochMs>', 'end of the seeded history (default: now)', int('--now'))
  .option('--access-token-ttl-seconds <n>', 'lifetime of OAuth access tokens (default 3600)', num('--access-token-ttl-seconds'))
  .option('--refresh-token-grace-seconds <n>', 'a used refresh token works this much longer (default 60)', num('--refresh-token-grace-seconds'))
  .option('--token-scopes <list>', 'comma-separated scopes of the scoped token, OAuth app and service account (default: all)');

program.parse();
const o = program.opts();
const options: SimulatorOptions = {
  port: o.port, host: o.host, seed: o.seed, issues: o.issues, projects: o.projects, extraCustomFields: o.extraCustomFields, mode: o.mode,
  users: o.users, boards: o.boards, sprints: o.sprints, versionsPerProject: o.versionsPerProject, dcUserList: o.dcUserList, admin: o.admin === true,
  userTimeZone: o.timeZone, tokenSemantics: o.tokenSemantics, tokenTtlMs: o.tokenTtlMs, fieldsPageCap: o.fieldsPageCap, fieldPageCap: o.fieldPageCap, perRowMs: o.perRowMs,
  listPageCap: o.listPageCap, dcMaxResults: o.dcMaxResults, dcResultWindow: o.dcResultWindow, indexLagMs: o.indexLagMs, worklogFeedDelayMs: o.worklogFeedDelayMs, latencyMs: o.latencyMs,
  jitterMs: o.jitterMs, rateLimitRps: o.rateLimitRps, rateLimitBurst: o.rateLimitBurst, now: o.now,
  faults: {
    rate429: o.fault429Rate, retryAfterSeconds: o.retryAfterSeconds, rate503: o.fault503Rate,
    rateReset: o.faultResetRate, rateTruncated: o.faultTruncatedRate, rateStatus: o.faultStatusRate, status: o.faultStatus, retryAfterRaw: o.faultRetryAfterRaw, dripMs: o.faultDripMs,
    padBytes: o.faultPadBytes, padBytesPerIssue: o.faultPadBytesPerIssue, padIssueFields: o.faultPadIssueFields, redirectTo: o.faultRedirectTo,
    dropContentType: o.faultDropContentType, maxFaults: o.faultMax, afterRequests: o.faultAfter, paths: o.faultPaths?.split(','),
  },
  lies: { ...Object.fromEntries((o.lies ?? []).map((n: string) => [n, true])), bulkfetchOmitRate: o.lieBulkfetchOmitRate },
  auth: {
    ...(o.tokenScopes === undefined ? {} : withScopes(o.tokenScopes.split(',').map((x: string) => x.trim()).filter(Boolean))),
    accessTokenTtlSeconds: o.accessTokenTtlSeconds, refreshTokenGraceSeconds: o.refreshTokenGraceSeconds,
  },
  churn: {
    updatesPerSecond: o.churnUpdatesPerSecond, createsPerSecond: o.churnCreatesPerSecond, deletesPerSecond: o.churnDeletesPerSecond,
    commentsPerSecond: o.churnCommentsPerSecond, commentChangesPerSecond: o.churnCommentChangesPerSecond, worklogsPerSecond: o.churnWorklogsPerSecond,
    movesPerSecond: o.churnMovesPerSecond,
  },
};

try {
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (o.tlsCert !== undefined) options.tls = { cert: readFileSync(o.tlsCert, 'utf8'), key: readFileSync(o.tlsKey, 'utf8') };
  const sim = await startSimulator(options);
  process.stdout.write(`${sim.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`jira-sim: could not start: ${(e as Error).message}\n`);
  process.exit(1);
}
