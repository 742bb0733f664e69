// Public entry point of the Jira simulator.
export { startSimulator } from './simulator.js';
export { CONFIGURABLE_OPTIONS } from './types.js';
export type * from './types.js';
