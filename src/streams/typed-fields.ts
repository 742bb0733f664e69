// The typed custom-field columns of `issues`: which values the byte reader picks for them, how each
// record gets them, and the mismatch count (a value of another shape than its field's type leaves
// the column null, never the record broken; one WARN per field at the end of the stream).
import { columnReader, MISMATCH } from '../jira/custom-field-kinds.js';
import { withMembers } from '../json/raw-json.js';
import { bindColumns, columnPlan, fetchFields, type CustomColumn } from '../jira/custom-fields.js';
import { readerNames, type FieldPicks, type IssueParts } from '../jira/issue-parts.js';
import { siteFields } from './site-fields.js';
import type { JsonObject, PrepareContext, StreamContext } from './stream.js';

export class TypedColumns {
  /** the base picks plus each bound field's value */
  readonly picks: FieldPicks;

  constructor(
    readonly columns: readonly CustomColumn[],
    basePicks: FieldPicks,
  ) {
    const picks: Record<string, FieldPicks[string]> = { ...basePicks };
    for (const c of columns) {
      // Read from bulkfetch bytes, the column is written as text (columnReader): no value per field.
      if (c.kind !== undefined) picks[c.fieldId] = columnReader(c.kind, c.column);
    }
    this.picks = picks;
  }

  /** The stream's schema: the base columns, then the typed ones. */
  schema(base: JsonObject): JsonObject {
    const properties = { ...(base.properties as JsonObject) };
    for (const c of this.columns) properties[c.column] = c.schema;
    return { ...base, properties };
  }

  /** One per read: it counts that read's mismatches. */
  filler(): TypedFill {
    const names = readerNames(this.picks);
    return new TypedFill(this.columns, this.columns.map((c) => (c.kind === undefined ? -1 : names.indexOf(c.fieldId))));
  }
}

export class TypedFill {
  private readonly mismatches = new Map<CustomColumn, number>();

  /** `slots`: per column, where IssueParts.read holds its value (-1: never filled) */
  constructor(
    private readonly columns: readonly CustomColumn[],
    private readonly slots: readonly number[],
  ) {}

  /** Every key of a record, null: copies of it keep V8's fast properties (see fill). */
  private template: JsonObject | undefined;

  /** The record made of `issue` with the typed columns added. */
  fill(base: JsonObject, issue: IssueParts): JsonObject {
    if (this.columns.length === 0) return base;
    if (issue.members !== undefined) return this.fillAround(base, issue);
    // Some 80 keys added one by one turn an object into a hash table, which JSON.stringify and the GC
    // handle at twice the cost; a copy of an object parsed with every key stays a plain object.
    this.template ??= JSON.parse(JSON.stringify(Object.fromEntries([...Object.keys(base), ...this.columns.map((c) => c.column)].map((k) => [k, null])))) as JsonObject;
    const record = Object.assign({ ...this.template }, base);
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      // read by the kind's reader: already the column's value, null, or MISMATCH
      const slot = this.slots[i]!;
      const v = slot < 0 ? undefined : issue.read[slot];
      if (v === MISMATCH) {
        record[c.column] = null;
        this.mismatches.set(c, (this.mismatches.get(c) ?? 0) + 1);
      } else {
        record[c.column] = v ?? null;
      }
    }
    return record;
  }

  /** Per column, whether it is written in the members of issues read with `inText` (cached: one set per read). */
  private textOf: ReadonlySet<string> | undefined;
  private inText: boolean[] = [];

  /** The record with the columns written as text (issue.members), and as values the few that were not. */
  private fillAround(base: JsonObject, issue: IssueParts): JsonObject {
    const inMembers = issue.inMembers!;
    if (this.textOf !== inMembers) {
      this.textOf = inMembers;
      this.inText = this.columns.map((c) => inMembers.has(c.fieldId));
    }
    for (let i = 0; i < this.columns.length; i++) {
      if (this.inText[i]) continue;
      const c = this.columns[i]!;
      const slot = this.slots[i]!;
      const v = slot < 0 ? undefined : issue.read[slot];
      if (v === MISMATCH) this.mismatches.set(c, (this.mismatches.get(c) ?? 0) + 1);
      base[c.column] = v === MISMATCH ? null : (v ?? null);
    }
    if (issue.mismatched !== undefined) {
      for (const field of issue.mismatched) {
        const c = this.columns.find((col) => col.fieldId === field);
        if (c !== undefined) this.mismatches.set(c, (this.mismatches.get(c) ?? 0) + 1);
      }
    }
    return withMembers(base, issue.members!);
  }

  warnings(): string[] {
    return [...this.mismatches].map(
      ([c, count]) => `issues: ${count} value(s) of field ${c.fieldId} did not match its type (${c.kind}): column ${c.column} is null in those records, the values are in fields.`,
    );
  }
}

/** The base columns' names: a custom field never takes one. */
export const baseColumns = (schema: JsonObject): string[] => Object.keys((schema.properties as JsonObject | undefined) ?? {});

/**
 * The typed columns for a read or a discover: the site's custom fields (/field), bound to the
 * catalog's columns when there is a catalog (its `issues` schema), logging what stays null.
 */
export async function typedColumns(ctx: PrepareContext, baseSchema: JsonObject, basePicks: FieldPicks, catalogSchema: JsonObject | undefined): Promise<TypedColumns> {
  const base = baseColumns(baseSchema);
  // A read shares the run's one GET /field (site-fields.ts); discover has no run.
  const shared = ctx.memo === undefined ? undefined : () => siteFields(ctx as StreamContext);
  const site = columnPlan(await fetchFields(ctx.http, shared), base);
  const properties = catalogSchema?.properties;
  const catalog = properties !== null && typeof properties === 'object' && !Array.isArray(properties) ? (properties as JsonObject) : undefined;
  const { columns, notes } = bindColumns(catalog, site, base);
  for (const n of notes) ctx.logger[n.level === 'WARN' ? 'warn' : 'info'](`issues: ${n.message}`);
  return new TypedColumns(columns, basePicks);
}
