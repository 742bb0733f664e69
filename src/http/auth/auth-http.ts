// The auth layer's own requests (tenant info, the OAuth token endpoint): no Authorization header of
// the connector's, retried on network errors, 429 and 5xx by the one retry policy, any other status
// handed back to the caller, which knows what it means.
import { decideRetry, type AttemptOutcome } from '../retry-policy.js';
import { ConnectorError } from '../../errors.js';

export interface AuthExchange {
  method: 'GET' | 'POST';
  url: URL;
  /** Sent as JSON. */
  json?: Record<string, unknown>;
}

export interface AuthAnswer {
  status: number;
  body: string;
}

export type AuthHttp = (exchange: AuthExchange) => Promise<AuthAnswer>;

/** One try: resolves with the answer, or with a network outcome (its code). */
export type AuthTry = (exchange: AuthExchange) => Promise<AuthAnswer | { network: string }>;

export function retryingAuthHttp(tryOnce: AuthTry, deps: { clock: () => number; sleep: (ms: number) => Promise<void>; random?: () => number }): AuthHttp {
  const random = deps.random ?? Math.random;
  return async (exchange) => {
    for (let n = 1; ; n++) {
      const answer = await tryOnce(exchange);
      const outcome: AttemptOutcome = 'network' in answer ? { kind: 'network', code: answer.network } : { kind: 'status', status: answer.status, headers: {} };
      if (!('network' in answer) && (answer.status < 500 && answer.status !== 429)) return answer;
      const decision = decideRetry(outcome, n, deps.clock(), random);
      if (!decision.retry) {
        if ('network' in answer) {
          throw new ConnectorError(`Cannot reach ${exchange.url.host} (${answer.network}) after ${n} tries: check the network, then try again.`, 'transient_error');
        }
        return answer;
      }
      await deps.sleep(decision.delayMs);
    }
  };
}
