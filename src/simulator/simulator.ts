// startSimulator: builds the seeded data, serves the Jira REST routes over node:http with auth,
// faults, latency and a request log, and exposes the control API in-process and under /__sim/.
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { buildCatalog } from './catalog.js';
import { CatalogChanges } from './catalog-changes.js';
import { Churn } from './churn.js';
import type { Settings, SimContext } from './context.js';
import { controlOverHttp, createControl } from './control.js';
import { HTML_503, pickFault, rateLimitHeaders, TokenBucket } from './faults.js';
import { altersSending, FaultCounter, replacedReply, sendWithFaults, type EncodedReply } from './transport-faults.js';
import { HttpError, readBody, ReplyError, SimReply, SimRequest } from './http-io.js';
import { IssueStore } from './issue-store.js';
import { createRandom } from './random.js';
import { Renderer } from './render.js';
import { RequestLog } from './request-log.js';
import { ResultCache } from './result-set.js';
import { buildRoutes } from './routes.js';
import { Router } from './router.js';
import { createZoneClock } from './time-zone.js';
import type { RunningSimulator, SimulatorOptions } from './types.js';
import { WorklogFeed } from './worklog-feed.js';
import { resolveAuth, TokenIssuer } from './auth-tokens.js';
import { gateway401, gatewayPath, identify, scopeMismatch, scopeOf, tenantInfo, unknownSite } from './auth-gateway.js';

export const DEFAULTS: Settings = {
  seed: 1,
  issues: 1000,
  projects: 4,
  users: 40,
  boards: 0,
  sprints: 0,
  versionsPerProject: 3,
  dcUserList: true,
  mode: 'cloud',
  userTimeZone: 'Asia/Kathmandu',
  email: 'demo@example.com',
  apiToken: 'demo-token',
  personalAccessToken: 'demo-pat',
  tokenSemantics: 'keyset',
  tokenTtlMs: 7 * 86_400_000,
  fieldsPageCap: 100,
  fieldPageCap: 5000,
  listPageCap: 0,
  dcMaxResults: 1000,
  dcResultWindow: 10_000,
  indexLagMs: 0,
  worklogFeedDelayMs: 60_000,
  latencyMs: 0,
  jitterMs: 0,
  perRowMs: 0,
  rateLimitRps: 0,
  rateLimitBurst: 0,
  faults: undefined,
  lies: undefined,
  churn: undefined,
  auth: undefined,
  extraCustomFields: 0,
  admin: false,
  commentChangesMoveUpdated: true,
};

const HTML_401 = '<html><head><title>Unauthorized (401)</title></head><body><h1>Unauthorized (401)</h1><p>Client must be authenticated to access this resource.</p></body></html>';

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings: Settings = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined && k in DEFAULTS) (settings as unknown as Record<string, unknown>)[k] = v;
  const now0 = options.now ?? Date.now();
  const seed = settings.seed;
  const catalog = buildCatalog(seed, settings, now0, settings.email);
  const clock = () => Date.now();
  const store = new IssueStore(seed, catalog, clock);
  store.seedIssues(Math.max(0, Math.floor(settings.issues)), now0);
  store.lagMs = settings.indexLagMs;
  const zone = createZoneClock(settings.userTimeZone);
  const renderers = new Map<string, { r: Renderer; generation: number }>();
  const catalogChanges = new CatalogChanges(catalog, store, clock);
  const lieRnd = createRandom(seed ^ 0x11e5);
  const ctx: SimContext = {
    lieRandom: lieRnd,
    settings, store, catalog, catalogChanges, zone, results: new ResultCache(), worklogFeed: new WorklogFeed(store), baseUrl: '', clock,
    renderer(api) {
      // A renderer caches serialised users, projects and sprints: rebuilt after a catalog change.
      const had = renderers.get(api);
      if (had && had.generation === catalogChanges.generation) return had.r;
      const r = new Renderer(store, zone, settings.userTimeZone, ctx.baseUrl, api, settings);
      renderers.set(api, { r, generation: catalogChanges.generation });
      return r;
    },
    jqlContext: () => ({ store, zone, now: clock() }),
  };
  const router = new Router(buildRoutes(settings.mode));
  const log = new RequestLog();
  const faultRnd = createRandom(seed ^ 0xfa017);
  const controlRnd = createRandom(seed ^ 0xc0de);
  const churn = new Churn(store, clock, createRandom(seed ^ 0xc4a7), catalogChanges, () => settings.commentChangesMoveUpdated);
  let bucket: TokenBucket | undefined;
  const faultCounter = new FaultCounter();
  const tokens = new TokenIssuer(() => resolveAuth(settings.auth), clock);
  const control = createControl({
    ctx, log, rnd: controlRnd,
    startChurn: (c) => churn.start(c ?? settings.churn),
    stopChurn: () => churn.stop(),
  });

  function currentBucket(now: number): TokenBucket | undefined {
    const rps = settings.rateLimitRps;
    if (!rps || rps <= 0) return (bucket = undefined);
    const burst = settings.rateLimitBurst > 0 ? settings.rateLimitBurst : rps;
    if (!bucket || bucket.rps !== rps || bucket.burst !== burst) bucket = new TokenBucket(rps, burst, now);
    return bucket;
  }

  function send(res: ServerResponse, reply: SimReply, truncate: boolean): void {
    write(res, encode(reply, truncate));
  }

  function write(res: ServerResponse, e: EncodedReply): void {
    res.writeHead(e.status, { 'Content-Type': e.type, 'Content-Length': e.body.length, ...e.headers });
    res.end(e.body);
  }

  function encode(reply: SimReply, truncate: boolean): EncodedReply {
    let body: Buffer;
    let type: string;
    if (reply.raw !== undefined) {
      body = Buffer.from(reply.raw);
      type = reply.contentType ?? 'application/json;charset=UTF-8';
    } else if (reply.text !== undefined) {
      body = Buffer.from(reply.text);
      type = reply.contentType ?? 'text/html;charset=UTF-8';
    } else {
      body = Buffer.from(JSON.stringify(reply.json ?? null));
      type = reply.contentType ?? 'application/json;charset=UTF-8';
    }
    // A truncated body keeps a correct Content-Length for what is sent, so the client reads it
    // completely and then fails to parse it.
    if (truncate && body.length > 1) body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    return { status: reply.status, type, headers: reply.headers ?? {}, body };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(contentType);
    let body: unknown;
    let bodyError = false;
    if (isJson && raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        bodyError = true;
      }
    }

    if (path.startsWith('/__sim/')) {
      const r = controlOverHttp(control, method, path, body);
      send(res, r, false);
      return;
    }
    // The site's tenant info and the OAuth token endpoint (auth-*.ts); the gateway prefix is taken off below.
    const own = method === 'GET' && path === '/_edge/tenant_info' ? tenantInfo(settings)
      : method === 'POST' && path === '/oauth/token' ? tokens.tokenEndpoint(/urlencoded/i.test(contentType) ? Object.fromEntries(new URLSearchParams(raw)) : body)
      : undefined;
    const gateway = gatewayPath(path);
    const wrongSite = gateway !== undefined && gateway.cloudId !== resolveAuth(settings.auth).cloudId ? unknownSite() : undefined;
    if (own !== undefined || wrongSite !== undefined) {
      const r = (own ?? wrongSite)!;
      send(res, r, false);
      log.record({ method, path, status: r.status, routed: own !== undefined, at: clock() }, `${method} ${own !== undefined ? path : '/ex/jira/{cloudId}'}`);
      return;
    }

    const s = settings;
    const delay = s.latencyMs + (s.jitterMs ? (faultRnd() * 2 - 1) * s.jitterMs : 0);
    // The latency is the response time a client sees, and the work happens within it, as a real
    // server's latency includes its processing: the simulator's own CPU time (it shares the machine
    // with the connector in benchmarks) is not added on top of the configured latency.
    const arrived = performance.now();
    answeredRows = 0;
    const respond = answer(req, res, s, url, method, gateway?.path ?? path, body, bodyError, isJson, contentType, path, gateway !== undefined);
    // A real server's time grows with the rows it returns: base latency plus a cost per issue.
    const wait = delay + answeredRows * (s.perRowMs ?? 0) - (performance.now() - arrived);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    respond();
  }

  /** Issues in the reply the last answer() worked out (answer is synchronous, so no request interleaves). */
  let answeredRows = 0;

  /** Works out the answer now; the returned function sends it. */
  function answer(
    req: IncomingMessage, res: ServerResponse, s: typeof settings, url: URL, method: string, path: string,
    body: unknown, bodyError: boolean, isJson: boolean, contentType: string, fullPath: string, onGateway: boolean,
  ): () => void {
    const match = router.match(method, path);
    const endpoint = match ? match.name : `${method} ${path}`;
    const finish = (status: number) => log.record({ method, path: fullPath, status, routed: !!match, at: clock() }, endpoint);

    const now = clock();
    const b = currentBucket(now);
    if (b) {
      const wait = b.take(now);
      if (wait > 0) {
        const headers = rateLimitHeaders(wait, b.burst, now);
        return () => {
          send(res, { status: 429, json: { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers }, false);
          finish(429);
        };
      }
    }
    const faults = faultCounter.forRequest(s.faults, path);
    const fault = pickFault(faults, path, faultRnd);
    if (fault !== 'none') faultCounter.count();
    if (fault === '429') {
      const ra = faults?.retryAfterSeconds === undefined ? 1 : faults.retryAfterSeconds;
      const headers = rateLimitHeaders(ra, 350, now);
      if (faults?.retryAfterRaw !== undefined) {
        // verbatim, and without X-RateLimit-Reset, so the client has nothing else to go by
        delete headers['X-RateLimit-Reset'];
        headers['Retry-After'] = faults.retryAfterRaw;
      }
      return () => {
        send(res, { status: 429, json: { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers }, false);
        finish(429);
      };
    }
    if (fault === 'status') {
      const status = s.faults?.status ?? 403;
      return () => {
        send(res, { status, json: { errorMessages: [`Simulated HTTP ${status} (faults.status).`], errors: {} } }, false);
        finish(status);
      };
    }
    if (fault === '503') {
      return () => {
        send(res, { status: 503, text: HTML_503 }, false);
        finish(503);
      };
    }
    if (fault === 'reset') {
      return () => {
        // Headers and part of a chunked body go out, then the socket dies mid-response.
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.write('{"issues":[{"id":"1');
        setImmediate(() => (res.socket as Socket | null)?.destroy());
        finish(0);
      };
    }

    let reply: SimReply;
    const id = identify(s, tokens, req.headers.authorization, onGateway);
    const replaced = faults === undefined ? undefined : replacedReply(faults, `${path}${url.search}`);
    if (replaced !== undefined) {
      reply = replaced;
    } else if (!match) {
      reply = { status: 404, json: { errorMessages: [`No route for ${method} ${path}.`], errors: {} } };
    } else if (onGateway && id.who !== 'user') {
      reply = gateway401(); // the gateway has no anonymous view
    } else if (id.who === 'badBearer' || ((id.who === 'failed' || id.who === 'anonymous') && match.route.pattern.endsWith('/myself'))) {
      reply = { status: 401, text: HTML_401, headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'WWW-Authenticate': 'OAuth realm="https%3A%2F%2Fsimulated.atlassian.net"' } };
    } else if (id.who === 'user' && id.scopes !== undefined && !id.scopes.includes(scopeOf(match.route.pattern))) {
      reply = scopeMismatch();
    } else {
      const simReq: SimRequest = {
        method, path, query: url.searchParams, body, hasJsonBody: isJson, contentType, params: match.params, api: match.api,
        principal: id.who === 'user' ? 'user' : 'anonymous',
      };
      try {
        if (bodyError) throw new HttpError(400, 'Unexpected character in the JSON request body.');
        reply = match.route.handler(ctx, simReq);
      } catch (e) {
        if (e instanceof HttpError) reply = e.reply();
        else if (e instanceof ReplyError) reply = e.replyValue;
        else reply = { status: 500, json: { errorMessages: [`Internal simulator error: ${(e as Error).message}`], errors: {} } };
      }
    }
    // Jira names the user a request was served to (anonymous view: Cloud sends nothing, DC "anonymous").
    if (!s.lies?.stripIdentity) {
      const me = ctx.catalog.users[0]!;
      if (s.mode === 'datacenter') reply.headers = { ...reply.headers, 'X-AUSERNAME': id.who === 'user' ? me.emailAddress.split('@')[0]! : 'anonymous' };
      else if (id.who === 'user') reply.headers = { ...reply.headers, 'X-AACCOUNTID': me.accountId };
    }
    if (b) {
      // With a limit on, successful replies say how much of the bucket is left, as Jira's do.
      const left = b.remaining();
      reply.headers = { ...reply.headers, 'X-RateLimit-Limit': String(b.burst), 'X-RateLimit-Remaining': String(left) };
      if (left < b.burst * 0.2) reply.headers['X-RateLimit-NearLimit'] = 'true';
    }
    const encoded = encode(reply, fault === 'truncated');
    const transport = faults !== undefined && (replaced !== undefined || altersSending(faults)) ? faults : undefined;
    if (transport !== undefined && fault === 'none') faultCounter.count();
    answeredRows = reply.issueCount ?? 0;
    return () => {
      if (transport === undefined) write(res, encoded);
      else sendWithFaults(res, encoded, transport, reply.issueCount ?? 0);
      finish(reply.status);
    };
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  };
  const server = options.tls === undefined ? createServer(onRequest) : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest);
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  ctx.baseUrl = `${options.tls === undefined ? 'http' : 'https'}://${host}:${addr.port}`;
  if (settings.churn && Object.values(settings.churn).some((v) => v)) churn.start(settings.churn);

  let closed: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    control,
    close() {
      churn.stop();
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}
