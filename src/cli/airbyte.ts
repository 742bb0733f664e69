// Entry point of `source-jira` (bin/source-jira.js): the only place that touches process.*.
import { defaultDeps } from './cli-deps.js';
import { runAirbyte } from './airbyte-main.js';
import { exitAfterFlush } from './exit.js';
import { processIo } from './process-io.js';

exitAfterFlush(await runAirbyte(process.argv.slice(2), processIo(), defaultDeps()));
