// Contract between the fronts and the HTTP layer: one undici keep-alive pool per origin (the site,
// or the API gateway), the Authorization header and the route from the auth layer (src/http/auth:
// a 401 is told to it once, and the request retried once when it refreshed a token or changed
// route), timeouts, and the one retry policy (retry-policy.ts) applied with a shared adaptive
// limiter (a 429 slows and pauses every worker).
import { rootCertificates } from 'node:tls';
import { Pool, errors as undiciErrors } from 'undici';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { asConnectorError, ConnectorError } from '../errors.js';
import { isLoopbackHost } from '../config/loopback-host.js';
import { decideRetry, retryPolicy, type AttemptOutcome } from './retry-policy.js';
import { AdaptiveLimiter } from './adaptive-limiter.js';
import { httpStatusError, HttpStatusError, jiraMessage } from './jira-error.js';
import { OVER_CAP, readCappedBody, responseCapBytes, ResponseTooLargeError } from './capped-body.js';
import { nonJsonBody } from './body-kind.js';
import { certificateProblem } from './tls-errors.js';
import { createCredentialsProvider } from './auth/credentials-provider.js';
import { retryingAuthHttp, type AuthTry } from './auth/auth-http.js';
import { deploymentOf } from '../jira/deployment.js';

/** No connection to the site could be made at all (refused, unknown host, no route). */
export class SiteUnreachableError extends ConnectorError {}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path below the site root, e.g. /rest/api/3/myself */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Takes the next free slot before any waiting ordinary request (the sequential search walk). */
  priority?: boolean;
  /** Reads a 2xx body instead of JSON.parse; must throw SyntaxError on malformed JSON (retried like a truncated body). */
  decode?: (body: Buffer) => unknown;
}

export interface HttpClient {
  /** Sends the request with retries; resolves with the parsed JSON body of a 2xx answer (or what `decode` makes of it), or throws ConnectorError. */
  json<T = unknown>(request: HttpRequest): Promise<T>;
  close(): Promise<void>;
  /**
   * 2xx answers so far that did not name the authenticated user (X-AACCOUNTID on Cloud, X-AUSERNAME
   * on Data Center): Jira's anonymous view, or a proxy that drops the headers. See proven-states.ts.
   */
  unidentifiedAnswers?(): number;
  /** True while the first answer may still move requests to another route (credentials-provider.ts routeOpen). */
  routeOpen?(): boolean;
  /** REST root of the deployment the config points at: /rest/api/3 (Cloud) or /rest/api/2 (Data Center). */
  readonly apiRoot?: string;
}

export interface HttpDeps {
  logger: Logger;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Jitter source; injectable so tests can pin it. */
  random?: () => number;
  /** Told every secret met at run time (tokens from the OAuth token endpoint), so no output shows it. */
  learnSecret?: (secret: string) => void;
  /** Persists rotated OAuth credentials (merged into the config's `credentials`). */
  persistCredentials?: (credentials: Record<string, unknown>) => Promise<void>;
}

const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

function networkCode(err: unknown): string {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) return 'TIMEOUT';
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.code === 'string') return e.code;
  return 'NETWORK_ERROR';
}

/** Whether an answer names the user it was served to (Jira's anonymous view does not; DC says "anonymous"). */
function namesUser(headers: Record<string, string | string[] | undefined>): boolean {
  const cloud = headers['x-aaccountid'];
  if (typeof cloud === 'string' && cloud !== '') return true;
  const dc = headers['x-ausername'];
  return typeof dc === 'string' && dc !== '' && dc !== 'anonymous';
}

export function createHttpClient(config: Config, deps: HttpDeps): HttpClient {
  const site = new URL(config.base_url);
  const bearer = deploymentOf(config) === 'datacenter';
  const timeoutMs = config.request_timeout_seconds * 1000;
  const maxWaitMs = (config.max_retry_wait_seconds ?? retryPolicy.defaultMaxRetryWaitMs / 1000) * 1000;
  const capBytes = responseCapBytes(config.max_concurrency);
  const random = deps.random ?? Math.random;
  const limiter = new AdaptiveLimiter(config.max_concurrency, deps.clock, deps.sleep);
  // One pool per origin (the site, the API gateway, the token endpoint), each with one connection
  // per allowed request plus one for the sequential search walk.
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: config.max_concurrency + 1,
        keepAliveTimeout: 30_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // An internal CA is trusted besides the public ones (not instead: a proxy may use either).
        ...(config.ca_certificate === undefined ? {} : { connect: { ca: [...rootCertificates, config.ca_certificate] } }),
      });
      pools.set(origin, pool);
    }
    return pool;
  };
  const authTry: AuthTry = async ({ method, url, json }) => {
    try {
      const res = await poolFor(url.origin).request({
        method,
        path: `${url.pathname}${url.search}`,
        headers: { accept: 'application/json', ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bytes = await readCappedBody(res.body, capBytes, res.headers['content-length']);
      return { status: res.statusCode, body: bytes.toString('utf8') };
    } catch (err) {
      const code = networkCode(err);
      const certificate = certificateProblem(code, url.host);
      if (certificate !== undefined) throw new ConnectorError(`Cannot connect to ${url.host} securely: ${certificate}.`, 'config_error');
      return { network: code };
    }
  };
  const credentials = createCredentialsProvider(config, {
    http: retryingAuthHttp(authTry, deps),
    logger: deps.logger,
    clock: deps.clock,
    learnSecret: deps.learnSecret,
    persistCredentials: deps.persistCredentials,
  });
  const plainHttpToRemote = site.protocol === 'http:' && !isLoopbackHost(site.hostname);
  let unidentified = 0;
  /** A 2xx came back once: base_url and the credentials are right, so later surprises are not about them. */
  let siteAnswered = false;

  /** A 2xx body that is not JSON at all: retrying will not help; whose fault depends on whether the site answered JSON before. */
  function notJsonError(path: string, kind: string, type: string, body: Buffer): ConnectorError {
    const said = `${config.base_url} answered ${path} with ${kind}${type === '' ? ' and no content type' : ` (${type.split(';')[0]})`} instead of JSON`;
    const internal = { internal: jiraMessage(body.toString('utf8')) };
    return siteAnswered
      ? new ConnectorError(`${said}, though it answered JSON before: something in front of Jira (a proxy, a maintenance page) answered instead; try again later.`, 'transient_error', internal)
      : new ConnectorError(`${said}: base_url is not a Jira site; set it to the site root (https://<site>.atlassian.net or the Data Center URL).`, 'config_error', internal);
  }

  async function attempt(req: HttpRequest, path: string, origin: string, auth: string): Promise<{ outcome: AttemptOutcome; value?: unknown; body?: string }> {
    await limiter.acquire(req.priority === true);
    let held = true;
    const release = () => {
      if (held) limiter.release();
      held = false;
    };
    // request_timeout_seconds bounds the whole try, headers and body: undici's own timeouts only
    // bound the gap between two chunks, which a server sending a byte every few seconds never hits.
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, timeoutMs);
    try {
      const res = await poolFor(origin).request({
        method: req.method,
        path,
        headers: {
          authorization: auth,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: deadline.signal,
      });
      let bytes: Buffer;
      try {
        bytes = await readCappedBody(res.body, capBytes, res.headers['content-length']);
      } catch (err) {
        if (err === OVER_CAP) throw new ResponseTooLargeError(capBytes, req.method, req.path, config.max_concurrency);
        return { outcome: { kind: 'network', code: timedOut ? 'TIMEOUT' : networkCode(err) } };
      }
      // The answer is in: its slot goes to the next request before the (CPU) decoding, so a slot's
      // turn is one round trip, not a round trip plus the parse of 100 bodies (~10-20 ms each).
      clearTimeout(timer);
      release();
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3); // a UTF-8 BOM, as text() drops it
      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (!namesUser(res.headers)) unidentified++;
        const type = String(res.headers['content-type'] ?? '');
        const kind = nonJsonBody(bytes);
        if (kind !== undefined) throw notJsonError(req.path, kind, type, bytes);
        try {
          const value = req.decode === undefined ? (JSON.parse(bytes.toString('utf8')) as unknown) : req.decode(bytes);
          limiter.onSuccess();
          siteAnswered = true;
          return { outcome: { kind: 'status', status: res.statusCode, headers: res.headers }, value };
        } catch (err) {
          if (!(err instanceof SyntaxError)) throw asConnectorError(err); // a bug in decode, not the network
          // Cut-off JSON is retried; a body of another declared type that does not parse is not JSON at all.
          if (type !== '' && !type.includes('json')) throw notJsonError(req.path, 'a body that does not parse as JSON', type, bytes);
          return { outcome: { kind: 'bad-json' } };
        }
      }
      return { outcome: { kind: 'status', status: res.statusCode, headers: res.headers }, body: bytes.toString('utf8') };
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      const code = timedOut ? 'TIMEOUT' : networkCode(err);
      const host = new URL(origin).host;
      const certificate = certificateProblem(code, host);
      if (certificate !== undefined) {
        throw new ConnectorError(`Cannot connect to ${host} securely: ${certificate}.`, 'config_error', { internal: `${req.method} ${req.path}: ${code}` });
      }
      return { outcome: { kind: 'network', code } };
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  function waitBudgetError(req: HttpRequest, d: { delayMs: number; fromServer: boolean; reason: string }, waitedMs: number, tries: number): ConnectorError {
    const max = maxWaitMs / 1000;
    if (d.reason === 'TIMEOUT') {
      return new ConnectorError(
        `Jira did not answer ${req.path} within request_timeout_seconds (${config.request_timeout_seconds}) in ${tries} tries, and max_retry_wait_seconds (${max}) ran out: raise request_timeout_seconds or max_retry_wait_seconds in the config, or try again later.`,
        'transient_error',
      );
    }
    return new ConnectorError(
      d.fromServer
        ? `Jira asked to wait ${seconds(d.delayMs)} before retrying ${req.path} (${d.reason}), more than the ${seconds(maxWaitMs - waitedMs)} left of max_retry_wait_seconds (${max}): try again later, or raise max_retry_wait_seconds.`
        : `Gave up on ${req.path} after ${tries} tries (${d.reason}): max_retry_wait_seconds (${max}) ran out after ${seconds(waitedMs)} of waiting; try again later, or raise max_retry_wait_seconds.`,
      'transient_error',
    );
  }

  return {
    apiRoot: bearer ? '/rest/api/2' : '/rest/api/3',
    async json<T>(req: HttpRequest): Promise<T> {
      if (plainHttpToRemote) {
        throw new ConnectorError(
          `base_url ${site.origin} uses plain http: credentials are only sent over https (or http to a loopback address); change base_url to https://.`,
          'config_error',
        );
      }
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) qs.set(k, String(v));
      const query = qs.size > 0 ? `?${qs.toString()}` : '';
      await credentials.ready();
      let waitedMs = 0;
      let toldUnauthorized = false;
      for (let n = 1; ; n++) {
        const auth = await credentials.authorization();
        const route = credentials.route();
        const path = `${route.basePath}${req.path}${query}`;
        const { outcome, value, body } = await attempt(req, path, route.origin, auth);
        if (outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 300) return value as T;
        if (outcome.kind === 'status' && outcome.status === 401) {
          const rejection = { method: req.method, path: req.path, body: body ?? '', anyAnswered: siteAnswered };
          // Told once: a refreshed token or the other route gets one more try, not a loop.
          if (!toldUnauthorized) {
            toldUnauthorized = true;
            if (await credentials.unauthorized(auth, rejection)) continue;
          }
          throw new HttpStatusError(401, req.method, req.path, jiraMessage(body ?? ''), credentials.rejected(rejection));
        }
        const decision = decideRetry(outcome, n, deps.clock(), random, { waitedMs, maxWaitMs });
        if (!decision.retry && 'budgetSpent' in decision) throw waitBudgetError(req, decision, waitedMs, n);
        if (!decision.retry) {
          if (outcome.kind === 'status') {
            const location = outcome.headers.location;
            throw httpStatusError(outcome.status, req.method, req.path, body ?? '', bearer, {
              location: Array.isArray(location) ? location[0] : location,
              url: `${route.origin}${path}`,
              siteAnswered,
            });
          }
          if (outcome.kind === 'network' && outcome.code === 'TIMEOUT') {
            throw new ConnectorError(
              `Jira did not answer ${req.path} within request_timeout_seconds (${config.request_timeout_seconds}) in ${n} tries: raise request_timeout_seconds in the config or try again later.`,
              'transient_error',
            );
          }
          if (outcome.kind === 'network') {
            throw new (retryPolicy.unreachableCodes.has(outcome.code) ? SiteUnreachableError : ConnectorError)(
              `Cannot reach ${new URL(route.origin).host} (${outcome.code}) after ${n} tries: check base_url and the network, then try again.`,
              'transient_error',
              { internal: `${req.method} ${req.path}: ${outcome.code}` },
            );
          }
          throw new ConnectorError(`Jira kept sending incomplete JSON for ${req.path} after ${n} tries; try again later.`, 'transient_error');
        }
        if (decision.pauseAll) limiter.onRateLimited(decision.delayMs);
        waitedMs += decision.delayMs;
        deps.logger.warn(
          `${req.method} ${req.path}: ${decision.reason} on try ${n}, retrying in ${decision.delayMs} ms` +
            (decision.fromServer === true ? ' as the server asked' : '') +
            (decision.pauseAll ? ` (all requests paused, concurrency now ${limiter.currentLimit})` : '') +
            `; ${seconds(waitedMs)} of max_retry_wait_seconds (${maxWaitMs / 1000}) used`,
        );
        await deps.sleep(decision.delayMs);
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
    unidentifiedAnswers: () => unidentified,
    routeOpen: () => !siteAnswered && credentials.routeOpen?.() === true,
  };
}
