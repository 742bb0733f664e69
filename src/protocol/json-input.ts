// What an input file held: one JSON document, or the lines of a previous run's output (NDJSON).
export type JsonInput = { value: unknown } | { lines: unknown[]; cutShort: boolean };
