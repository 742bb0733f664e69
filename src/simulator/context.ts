// What route handlers see of the running simulator.
import type { Catalog } from './catalog.js';
import type { CatalogChanges } from './catalog-changes.js';
import type { IssueStore } from './issue-store.js';
import type { JqlContext } from './jql.js';
import type { Renderer } from './render.js';
import type { ResultCache } from './result-set.js';
import type { ZoneClock } from './time-zone.js';
import type { SimulatorOptions } from './types.js';
import type { WorklogFeed } from './worklog-feed.js';

/** Options with every default filled in; mutable through control.configure(). */
export type Settings = Required<Omit<SimulatorOptions, 'faults' | 'lies' | 'churn' | 'now' | 'port' | 'host' | 'tls' | 'auth'>> &
  Pick<SimulatorOptions, 'faults' | 'lies' | 'churn' | 'auth'>;

export interface SimContext {
  settings: Settings;
  store: IssueStore;
  catalog: Catalog;
  catalogChanges: CatalogChanges;
  zone: ZoneClock;
  results: ResultCache;
  worklogFeed: WorklogFeed;
  baseUrl: string;
  clock(): number;
  /** Deterministic randomness for the lies (lies.ts). */
  lieRandom(): number;
  renderer(api: '2' | '3'): Renderer;
  jqlContext(): JqlContext;
}
