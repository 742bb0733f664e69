// Finds secrets in the bytes the connector writes out, fast: every output byte is searched once
// per secret form, so this is a hot loop (~20 KB an issue). Buffer.includes (Boyer-Moore-Horspool)
// runs at ~0.1-0.4 ns a byte depending on the needle; looking for the needle's rarest byte with
// Buffer.indexOf(number) (memchr) and comparing the rest only there runs at ~0.02-0.04 ns a byte.
// Which byte is rare depends on the data, so it is picked from a sample of the output, and picked
// again if it turns out common; a needle with no rare byte falls back to Buffer.includes.

/** Bytes of output sampled to rank byte frequencies. */
const SAMPLE = 16 * 1024;
/**
 * An anchor byte met more often than once per COMMON x (needle length) bytes is not worth it: a hit
 * costs ~25 ns (a call and a compare), Buffer.includes ~4 ns / (needle length) a byte.
 */
const COMMON = 8;
/** Anchor hits allowed before the rate is checked (short scans prove nothing). */
const CHECK_AFTER = 64;
/** Re-picks allowed per needle before it falls back to Buffer.includes for good. */
const MAX_REPICKS = 3;

export class SecretSearch {
  /** Per needle: the offset of its anchor byte, or -1 for Buffer.includes; undefined until the first sample. */
  private anchors: number[] | undefined;
  /** Bytes the anchors were picked from: a small sample (the first lines are short LOG messages) is replaced by a bigger one. */
  private sampled = 0;
  private readonly repicks: number[];

  constructor(readonly needles: readonly Buffer[]) {
    this.repicks = needles.map(() => 0);
  }

  /** Where needles[k] first occurs in hay at or after from, or -1. */
  indexOf(hay: Buffer, k: number, from: number): number {
    const needle = this.needles[k]!;
    if (this.anchors === undefined || (this.sampled < SAMPLE && hay.length > this.sampled)) this.anchors = this.pick(hay);
    const at = this.anchors[k]!;
    if (at < 0) return hay.indexOf(needle, from);
    const byte = needle[at]!;
    const n = needle.length;
    const last = hay.length - n;
    let hits = 0;
    for (let i = hay.indexOf(byte, from + at); i >= 0; i = hay.indexOf(byte, i + 1)) {
      const start = i - at;
      if (start > last) return -1;
      let j = 0;
      while (j < n && hay[start + j] === needle[j]) j++;
      if (j === n) return start;
      if (++hits > CHECK_AFTER && hits * COMMON * n > i - from) {
        // Common in this data after all: pick again from here on (or give up on anchors for this needle).
        this.anchors = this.pick(hay.subarray(start), k);
        return this.indexOf(hay, k, start + 1);
      }
    }
    return -1;
  }

  /** Anchors from the byte counts of a sample; `repick`: only for that needle, whose anchor proved common. */
  private pick(sample: Buffer, repick?: number): number[] {
    const counts = new Uint32Array(256);
    const len = Math.min(sample.length, SAMPLE);
    if (repick === undefined) this.sampled = len;
    for (let i = 0; i < len; i++) counts[sample[i]!]! += 1;
    return this.needles.map((needle, k) => {
      if (repick !== undefined && k !== repick) return this.anchors![k]!;
      if (repick !== undefined && ++this.repicks[k]! > MAX_REPICKS) return -1;
      let best = 0;
      for (let j = 1; j < needle.length; j++) if (counts[needle[j]!]! < counts[needle[best]!]!) best = j;
      // Too common even at its rarest (judged on a sample big enough to say): Boyer-Moore does better.
      return len >= SAMPLE / 4 && counts[needle[best]!]! * COMMON * needle.length > len ? -1 : best;
    });
  }
}
