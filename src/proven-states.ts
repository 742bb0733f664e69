// Jira answers revoked or expired Basic credentials with 200 and the anonymous view everywhere but
// /myself: a search then finds nothing (or only public issues) and a bulkfetch returns nothing, which
// looks like the end of the data or like deletions. A STATE resting on such answers would move the
// cursor past issues never emitted. So a STATE goes out only once the answers it rests on are proven
// authenticated:
// - by the answers themselves: Jira names the authenticated user in a response header (X-AACCOUNTID
//   on Cloud, X-AUSERNAME on Data Center); while every answer since the last proof carried it,
//   states go out at once, at no cost;
// - else by a /myself that STARTED after the state was produced: credentials do not come back once
//   they stop working, so its success proves every earlier answer. Such proofs run in the background
//   at most once per PROOF_INTERVAL_MS, and once more at the end of a stream.
import { ConnectorError } from './errors.js';

/** At most one credentials proof per this many ms while states wait (plus one at the end of a stream). */
export const PROOF_INTERVAL_MS = 1000;

/** The check for a run that already proved its credentials once: a failure now means they stopped working. */
export function midRunProof(check: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await check();
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.failureType !== 'config_error') throw err;
      throw new ConnectorError(
        `Jira stopped accepting the credentials during the read (${err.message.replace(/[.;:].*$/s, '')}): the token expired or was revoked, and Jira answers such requests with empty results, so the read stopped; every STATE sent rests on authenticated answers. Renew the credentials in the config and run again: it resumes from the last STATE.`,
        'config_error',
        { internal: err.internal ?? err.message },
      );
    }
  };
}

export class ProvenStates<S> {
  /** produced since the last proof started */
  private held: S[] = [];
  /** covered by the proof in flight (or by one that just succeeded) */
  private covering: S[] = [];
  private inFlight: Promise<void> | undefined;
  private proven = false;
  private failure: { error: unknown } | undefined;
  private lastStart: number;
  /** unidentified answers already covered by a successful proof */
  private baseline: number;
  /** the count when the proof in flight started */
  private startCount = 0;

  constructor(
    private readonly prove: () => Promise<void>,
    private readonly emit: (state: S) => Promise<void>,
    private readonly clock: () => number,
    /** 2xx answers so far that did not name the authenticated user */
    private readonly unidentified: () => number,
    private readonly intervalMs = PROOF_INTERVAL_MS,
  ) {
    this.lastStart = clock();
    this.baseline = unidentified();
  }

  /** A state was produced: emitted now if every answer so far named the user, else once a proof started after now succeeds. */
  async add(state: S): Promise<void> {
    await this.emitProven();
    this.held.push(state);
    if (this.inFlight === undefined && this.unidentified() === this.baseline) {
      const proven = this.held; // every answer so far named the user
      this.held = [];
      for (const s of proven) await this.emit(s);
    } else if (this.inFlight === undefined && this.clock() - this.lastStart >= this.intervalMs) {
      this.start();
    }
  }

  /** End of the stream (or a failure elsewhere): proves and emits every state still held. */
  async finish(): Promise<void> {
    await this.inFlight;
    await this.emitProven();
    if (this.held.length === 0) return;
    this.start();
    await this.inFlight;
    await this.emitProven();
  }

  /** Whether the error came from a proof (then nothing more can be proven). */
  failedWith(err: unknown): boolean {
    return this.failure !== undefined && this.failure.error === err;
  }

  private start(): void {
    this.covering = this.held;
    this.held = [];
    this.lastStart = this.clock();
    this.startCount = this.unidentified();
    this.inFlight = this.prove().then(
      () => {
        this.proven = true;
        this.baseline = this.startCount;
        this.inFlight = undefined;
      },
      (error: unknown) => {
        this.failure = { error };
        this.inFlight = undefined;
      },
    );
  }

  private async emitProven(): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (!this.proven) return;
    this.proven = false;
    const states = this.covering;
    this.covering = [];
    for (const s of states) await this.emit(s);
  }
}
