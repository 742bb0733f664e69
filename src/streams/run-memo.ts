// Values shared by the streams of one run: the first stream that asks for a key computes it, the
// others (read at the same time, or later) get the same promise. A parent list (projects, boards,
// fields, custom field contexts, groups) is then read once per run however many child streams use it.
export class RunMemo {
  private readonly values = new Map<string, Promise<unknown>>();

  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let v = this.values.get(key) as Promise<T> | undefined;
    if (v === undefined) {
      v = compute();
      v.catch(() => {}); // observed by whoever awaits it
      this.values.set(key, v);
    }
    return v;
  }
}
