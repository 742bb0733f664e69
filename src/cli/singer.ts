// Entry point of `tap-jira` (bin/tap-jira.js): the only place that touches process.*.
import { defaultDeps } from './cli-deps.js';
import { exitAfterFlush } from './exit.js';
import { processIo } from './process-io.js';
import { runSinger } from './singer-main.js';

exitAfterFlush(await runSinger(process.argv.slice(2), processIo(), defaultDeps()));
