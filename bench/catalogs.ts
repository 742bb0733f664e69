// Builds the catalog a host would pass to `read`, from the connector's own discover output, selecting
// the issues stream (or the streams a selection names). Pure builders; the discover call itself is in
// connector-process.ts.
import type { Front } from './record-counter.js';

type Json = any;

/** A stream name, or which streams to select (e.g. every stream but issues). */
export type Selection = string | ((name: string) => boolean);
const picks = (sel: Selection) => (name: string) => (typeof sel === 'string' ? name === sel : sel(name));

/** Airbyte ConfiguredAirbyteCatalog with the selected streams, each incremental when it supports it. */
export function airbyteConfiguredCatalog(discovered: Json, stream: Selection = 'issues'): Json {
  const chosen = (discovered?.streams ?? []).filter((x: Json) => picks(stream)(x.name));
  if (chosen.length === 0) throw new Error(`discover returned no "${String(stream)}" stream`);
  return { streams: chosen.map(configured) };
}

function configured(s: Json): Json {
  const incremental = Array.isArray(s.supported_sync_modes) && s.supported_sync_modes.includes('incremental');
  return {
    stream: s,
    sync_mode: incremental ? 'incremental' : 'full_refresh',
    destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
    ...(incremental && s.default_cursor_field ? { cursor_field: s.default_cursor_field } : {}),
    ...(s.source_defined_primary_key ? { primary_key: s.source_defined_primary_key } : {}),
  };
}

/** Singer catalog with only the selected streams selected (stream-level metadata, breadcrumb []). */
export function singerSelectedCatalog(discovered: Json, stream: Selection = 'issues'): Json {
  const streams = discovered?.streams;
  if (!Array.isArray(streams) || !streams.some((s: Json) => picks(stream)(s.tap_stream_id ?? s.stream))) {
    throw new Error(`--discover returned no "${stream}" stream`);
  }
  return {
    ...discovered,
    streams: streams.map((s: Json) => {
      const selected = picks(stream)(s.tap_stream_id ?? s.stream);
      const metadata: Json[] = Array.isArray(s.metadata) ? s.metadata.map((m: Json) => ({ ...m, metadata: { ...m.metadata } })) : [];
      let top = metadata.find((m) => Array.isArray(m.breadcrumb) && m.breadcrumb.length === 0);
      if (!top) metadata.push((top = { breadcrumb: [], metadata: {} }));
      top.metadata.selected = selected;
      if (selected && s.replication_key) top.metadata['replication-method'] = 'INCREMENTAL';
      return { ...s, metadata };
    }),
  };
}

/** A typed custom-field column: discover describes it as `Jira field <id> (…` (custom-fields.ts). */
const isTypedColumn = (schema: Json): boolean => typeof schema?.description === 'string' && /^Jira field \S+ \(/.test(schema.description);

/** The catalog (either front's) with the typed custom-field columns left out of every stream's schema: a read then fills none. */
export function withoutTypedColumns(catalog: Json): Json {
  const strip = (schema: Json): Json => {
    if (!schema?.properties) return schema;
    const properties = Object.fromEntries(Object.entries(schema.properties).filter(([, s]) => !isTypedColumn(s)));
    return { ...schema, properties };
  };
  return {
    ...catalog,
    streams: catalog.streams.map((s: Json) =>
      typeof s.stream === 'object' ? { ...s, stream: { ...s.stream, json_schema: strip(s.stream.json_schema) } } : { ...s, schema: strip(s.schema) },
    ),
  };
}

/** Extracts the discovered catalog from a discover command's stdout. */
export function parseDiscoverOutput(front: Front, stdout: string): Json {
  if (front === 'singer') return JSON.parse(stdout);
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line);
    if (m.type === 'CATALOG') return m.catalog;
  }
  throw new Error('discover printed no CATALOG message');
}
