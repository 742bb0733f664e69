// Singer catalogs: the one this tap discovers (singer-python's standard metadata), and the one it is
// given with --catalog/--properties. Selection follows the Singer SDK: `selected` wins, else
// `selected-by-default`, else (a field) its stream; so the discovered catalog, passed back unchanged,
// syncs the default streams, and Meltano's `select` (which writes `selected` on every node) decides alone.
import { configError } from '../errors.js';
import type { PlannedStream } from '../source.js';
import type { JsonObject, Stream } from '../streams/stream.js';
import { fieldSelection, projectSchema, requiredFields } from './select-fields.js';
import { isObject, isTrue, streamNames } from './input-shape.js';
import { columnToFront, schemaFromFront, schemaToFront } from './deletion-marker.js';

interface MetadataEntry {
  breadcrumb: string[];
  metadata: JsonObject;
}

function topFields(stream: Stream): string[] {
  return Object.keys((stream.schema.properties as JsonObject | undefined) ?? {});
}

export function singerCatalogEntry(stream: Stream): JsonObject {
  const keys = stream.primaryKey.map((p) => p[0]);
  const streamMetadata: JsonObject = {
    'table-key-properties': keys,
    inclusion: 'available',
    'selected-by-default': true,
  };
  if (stream.cursorField) {
    streamMetadata['valid-replication-keys'] = [stream.cursorField[0]];
    streamMetadata['forced-replication-method'] = 'INCREMENTAL';
  } else {
    streamMetadata['forced-replication-method'] = 'FULL_TABLE';
  }
  const automatic = new Set(requiredFields(stream));
  const metadata: MetadataEntry[] = [
    { breadcrumb: [], metadata: streamMetadata },
    ...topFields(stream).map((f) => ({
      breadcrumb: ['properties', columnToFront('singer', f)],
      metadata: automatic.has(f) ? { inclusion: 'automatic' } : { inclusion: 'available', 'selected-by-default': true },
    })),
  ];
  return { tap_stream_id: stream.name, stream: stream.name, schema: schemaToFront('singer', stream.schema), key_properties: keys, metadata };
}

export function singerCatalog(streams: Stream[]): JsonObject {
  return { streams: streams.map(singerCatalogEntry) };
}

/** No catalog: every stream, every field, incrementally where it can. */
export function planAllStreams(streams: Stream[]): PlannedStream[] {
  return streams.map((stream) => ({ stream, syncMode: stream.cursorField ? 'incremental' : 'full_refresh' }));
}

function metadataOf(entry: JsonObject, file: string, name: string): MetadataEntry[] {
  if (entry.metadata === undefined) return [];
  const ok =
    Array.isArray(entry.metadata) &&
    entry.metadata.every((m: unknown) => isObject(m) && Array.isArray(m.breadcrumb) && isObject(m.metadata));
  if (!ok) {
    throw configError(`Catalog file ${file}: stream "${name}" has malformed metadata (expected a list of {breadcrumb, metadata}); run --discover again`);
  }
  return entry.metadata as MetadataEntry[];
}

const crumb = (m: MetadataEntry): string => m.breadcrumb.join('/');

/** One node's selection; `inherited` is what applies when the node says nothing (undefined: not selected). */
function isSelected(m: JsonObject, inherited: boolean): boolean {
  if (m.inclusion === 'automatic') return true;
  if (m.inclusion === 'unsupported') return false;
  if (m.selected !== undefined) return isTrue(m.selected);
  if (m['selected-by-default'] !== undefined) return isTrue(m['selected-by-default']);
  return inherited;
}

export function planFromSingerCatalog(value: unknown, file: string, streams: Stream[]): PlannedStream[] {
  if (!isObject(value) || !Array.isArray(value.streams)) {
    throw configError(`Catalog file ${file}: must be a JSON object with a "streams" list; use the output of --discover`);
  }
  const plan: PlannedStream[] = [];
  value.streams.forEach((entry: unknown, i: number) => {
    const name = isObject(entry) ? (entry.tap_stream_id ?? entry.stream) : undefined;
    if (!isObject(entry) || typeof name !== 'string') {
      throw configError(`Catalog file ${file}: streams[${i}] has no tap_stream_id; use the output of --discover`);
    }
    const metadata = metadataOf(entry, file, name);
    const top = metadata.find((m) => m.breadcrumb.length === 0)?.metadata ?? {};
    // Old taps and catalogs put `selected` in the stream's schema; metadata wins when it says.
    const schemaSelected = isObject(entry.schema) ? entry.schema.selected : undefined;
    const node = top.selected === undefined && schemaSelected !== undefined ? { ...top, selected: schemaSelected } : top;
    if (!isSelected(node, false)) return;
    const stream = streams.find((s) => s.name === name);
    if (!stream) {
      throw configError(
        `Catalog file ${file}: stream "${name}" is not offered by this tap (it offers: ${streamNames(streams)}); deselect it or run --discover again`,
      );
    }
    if (plan.some((p) => p.stream === stream)) throw configError(`Catalog file ${file}: stream "${name}" is listed twice; keep one entry`);
    const byField = new Map(metadata.filter((m) => m.breadcrumb.length === 2).map((m) => [crumb(m), m.metadata]));
    // The catalog's own columns (issues: its typed custom fields, as discovered) are the ones to select from.
    const catalogSchema = isObject(entry.schema) && isObject(entry.schema.properties) ? schemaFromFront('singer', entry.schema) : undefined;
    const columns = catalogSchema ? Object.keys(catalogSchema.properties as JsonObject) : topFields(stream);
    const wanted = columns.filter((f) => isSelected(byField.get(`properties/${columnToFront('singer', f)}`) ?? {}, true));
    const fullTable = top['replication-method'] === 'FULL_TABLE' || !stream.cursorField;
    const fields = fieldSelection(stream, wanted, columns);
    // Only the selected columns are bound: a deselected typed column is not even read.
    plan.push({ stream, syncMode: fullTable ? 'full_refresh' : 'incremental', fields, catalogSchema: catalogSchema && projectSchema(catalogSchema, fields) });
  });
  return plan;
}
