// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, largest first,
// so a bench run can say where the connector's CPU goes without opening DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotFunction {
  name: string;
  selfMs: number;
  percent: number;
}

export function topSelfTime(profilePath: string, limit = 15): HotFunction[] {
  const p = JSON.parse(readFileSync(profilePath, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!node) return;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), percent: Number(((100 * us) / (totalUs || 1)).toFixed(1)) }));
}
