// Prints the README's streams table, generated from the stream registry; with --write, rewrites the
// block between the markers in README.md instead. Needs a build (npm run build) first.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allStreams } from '../dist/src/streams/registry.js';
import { streamsTable, withStreamsTable } from '../dist/src/streams/streams-table.js';

const readmePath = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const table = streamsTable(allStreams());
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, withStreamsTable(readFileSync(readmePath, 'utf8'), table));
  console.log(`README.md: streams table rewritten (${allStreams().length} streams)`);
} else {
  console.log(table);
}
