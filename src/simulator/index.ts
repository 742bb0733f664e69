// Public entry point of the Jira simulator.
export { startSimulator } from './simulator.js';
export type * from './types.js';
