// What the issues walk does about deleted issues (README "Deleted issues"), in one place so the walk
// (streams/issues.ts) only hooks it in: the saved state split into the walk's part and the census, the
// walk's STATEs carrying the census, the step before the walk (the census and its tombstones, or its
// start beside the walk, or for a full refresh of deleted_issues what the audit log remembers), and the
// step before the walk's last STATE (a census beside the walk done and its tombstones out).
import type { JsonObject, StreamContext, StreamEvent } from '../streams/stream.js';
import type { PreparedWalk } from '../streams/riders/rider.js';
import { splitCensus } from './census-state.js';
import { censusFor } from './census-for.js';
import { auditHistory, DELETED_ISSUES } from './census-run.js';

export interface WalkDeletions {
  /** the saved state without its census: what the walk's own state parser reads */
  walkState: unknown;
  /** the walk, its STATEs carrying the census (and sent to deleted_issues too) */
  carry(walk: PreparedWalk): PreparedWalk;
  /** Before the walk; `state`: the walk's state as it stands (sent again when the step emitted records). */
  before(walk: PreparedWalk, state: JsonObject): AsyncGenerator<StreamEvent>;
  /** Before the walk's last STATE: a census beside the walk finished and its tombstones emitted. */
  settle(): AsyncGenerator<StreamEvent>;
}

/** `names`: the streams the walk serves. */
export function walkDeletions(ctx: StreamContext, names: readonly string[], label: string): WalkDeletions {
  const fullRefresh = ctx.syncMode === 'full_refresh';
  const saved = fullRefresh ? { walkState: undefined, census: undefined } : splitCensus(ctx.state, label);
  const census = censusFor(ctx, names, label, saved.census);
  const alone = names.every((n) => n === DELETED_ISSUES); // no walk follows
  return {
    walkState: saved.walkState,
    carry: (walk) => census?.carry(walk) ?? walk,
    async *before(walk, state) {
      if (census?.beside) {
        census.start(); // its tombstones come with the walk's next record or STATE after it is done
      } else if (census !== undefined) {
        yield* census.run();
        // Its records need a STATE after them; without records the walk's next STATE carries the census.
        if (census.emitted > 0 || alone) yield* walk.states(state);
      } else if (names.includes(DELETED_ISSUES)) {
        if (fullRefresh) yield* auditHistory(ctx); // no census to compare with: what the audit log remembers
        yield { type: 'state', stream: DELETED_ISSUES, state: fullRefresh ? {} : (ctx.state ?? {}) };
      }
    },
    async *settle() {
      if (census !== undefined) yield* census.settle();
    },
  };
}
