// Route table: method + path pattern -> handler, with a stable endpoint name for the request log.
import type { SimContext } from './context.js';
import type { SimReply, SimRequest } from './http-io.js';

export type Handler = (ctx: SimContext, req: SimRequest) => SimReply;

export interface Route {
  method: string;
  /** e.g. `/rest/api/{v}/issue/{id}/comment`; `{v}` matches the API version, other `{x}` one segment. */
  pattern: string;
  handler: Handler;
  /** API versions served under `{v}`. */
  versions?: Array<'2' | '3'>;
}

interface Compiled { route: Route; re: RegExp; hasVersion: boolean }

export class Router {
  private compiled: Compiled[];
  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const src = route.pattern
        .split('/')
        .map((seg) => (seg === '{v}' ? '(2|3|latest)' : /^\{\w+\}$/.test(seg) ? '([^/]+)' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('/');
      return { route, re: new RegExp(`^${src}/?$`), hasVersion: route.pattern.includes('{v}') };
    });
  }

  match(method: string, path: string): { route: Route; params: string[]; api: '2' | '3'; name: string } | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const m = c.re.exec(path);
      if (!m) continue;
      let params = m.slice(1);
      let api: '2' | '3' = '3';
      if (c.hasVersion) {
        const v = params[0] === 'latest' ? '2' : (params[0] as '2' | '3');
        if (c.route.versions && !c.route.versions.includes(v)) continue;
        api = v;
        params = params.slice(1);
      }
      const name = `${method} ${c.route.pattern.replace('{v}', m[1]!)}`;
      return { route: c.route, params, api, name };
    }
    return undefined;
  }
}
