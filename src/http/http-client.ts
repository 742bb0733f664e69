// Contract between the fronts and the HTTP layer. The implementation (undici pool, auth, one retry
// policy, rate-limit headers) replaces the stub below; the shape of createHttpClient stays.
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { ConnectorError } from '../errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path below the site root, e.g. /rest/api/3/myself */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface HttpClient {
  /** Sends the request with retries; resolves with the parsed JSON body of a 2xx answer, or throws ConnectorError. */
  json<T = unknown>(request: HttpRequest): Promise<T>;
  close(): Promise<void>;
}

export interface HttpDeps {
  logger: Logger;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

export function createHttpClient(_config: Config, _deps: HttpDeps): HttpClient {
  return {
    async json() {
      throw new ConnectorError('HTTP client not implemented yet', 'system_error');
    },
    async close() {},
  };
}
