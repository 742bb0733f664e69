// /field -> the typed columns of `issues`: one per custom field of a known type, named for people
// (snake_case of the field name; the field id appended where two names collide or a name is a base
// column), the field id and Jira type in its description. Discover publishes the plan; read binds
// the catalog's columns to the site's fields again by field id (so a renamed field keeps its column
// until the next discover) and reads each value the way the site's /field types it now.
import { ConnectorError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import { columnSchema, kindOf, type Kind } from './custom-field-kinds.js';

export interface CustomColumn {
  column: string;
  fieldId: string;
  /** undefined: the column is in the catalog but cannot be filled (field gone, or its type changed): always null */
  kind: Kind | undefined;
  schema: Record<string, unknown>;
}

interface FieldDetails {
  id: string;
  name: string;
  custom: boolean;
  schema?: unknown;
}

/** Column names longer than this are cut (PostgreSQL's identifier limit). */
export const MAX_COLUMN = 63;

/** Lower-case ASCII words joined by `_`; '' if nothing is left (a name in another script). */
export function snakeCase(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(s) ? `cf_${s}` : s;
}

const cut = (s: string, max: number) => s.slice(0, max).replace(/_+$/, '');

function jiraType(schema: unknown): string {
  const s = (schema ?? {}) as Record<string, unknown>;
  const items = s.items === undefined ? '' : `<${String(s.items)}>`;
  return `${String(s.type)}${items}${typeof s.custom === 'string' ? `, ${s.custom}` : ''}`;
}

export function describeColumn(f: FieldDetails): string {
  return `Jira field ${f.id} (${jiraType(f.schema)}) "${f.name}"; the raw value is in fields.${f.id}`;
}

const DESCRIBED_ID = /^Jira field (\S+) \(/;

/** The typed columns for these fields; `taken`: the base columns' names, never reused. */
export function columnPlan(fields: readonly FieldDetails[], taken: readonly string[]): CustomColumn[] {
  const typed = fields.filter((f) => f.custom && kindOf(f.schema) !== undefined);
  const base = new Map(typed.map((f) => [f.id, cut(snakeCase(f.name), MAX_COLUMN) || f.id]));
  const uses = new Map<string, number>();
  for (const n of base.values()) uses.set(n, (uses.get(n) ?? 0) + 1);
  const used = new Set(taken);
  const plan: CustomColumn[] = [];
  for (const f of typed) {
    let column = base.get(f.id)!;
    if (uses.get(column)! > 1 || used.has(column)) column = `${cut(column, MAX_COLUMN - f.id.length - 1)}_${f.id}`;
    if (used.has(column)) column = f.id;
    if (used.has(column)) continue;
    used.add(column);
    const kind = kindOf(f.schema)!;
    plan.push({ column, fieldId: f.id, kind, schema: columnSchema(kind, describeColumn(f)) });
  }
  return plan;
}

/** GET /field: every field of the site (system and custom) with its type; `list`: where a run already shares that answer (one GET /field per run). */
export async function fetchFields(http: HttpClient, list?: () => Promise<unknown>): Promise<FieldDetails[]> {
  let answer: unknown;
  try {
    answer = await (list ?? (() => http.json<unknown>({ method: 'GET', path: `${http.apiRoot ?? '/rest/api/3'}/field` })))();
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    const what = "the issues stream types a column per custom field from the site's field list (GET /field), which failed";
    throw new ConnectorError(`${what}: ${err.message}`, err.failureType, { internal: err.internal, cause: err });
  }
  if (!Array.isArray(answer)) {
    throw new ConnectorError('Jira answered /field with something other than a list of fields; the issues columns cannot be typed. Check base_url points at the Jira site.', 'system_error');
  }
  return answer.filter((f): f is FieldDetails => f !== null && typeof f === 'object' && typeof f.id === 'string' && typeof f.name === 'string');
}

/** A column's type as comparable text: its schema without the description, keys and type lists sorted (a host may reorder them). */
function typeOnly(s: unknown): string {
  const { description: _d, ...rest } = (s ?? {}) as Record<string, unknown>;
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? [...v].sort() : v.map(canonical);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  };
  return JSON.stringify(canonical(rest));
}

export interface Binding {
  columns: CustomColumn[];
  /** one line per catalog column that will stay null, and one for fields the catalog lacks */
  notes: Array<{ level: 'INFO' | 'WARN'; message: string }>;
}

/**
 * The columns to fill at read: the catalog's (its custom columns, each bound by the field id in its
 * description, else by name), typed as the site types them now. `catalogProperties` undefined: no
 * catalog (every column the site has).
 */
export function bindColumns(catalogProperties: Record<string, unknown> | undefined, site: CustomColumn[], base: readonly string[]): Binding {
  if (catalogProperties === undefined) return { columns: site, notes: [] };
  const byId = new Map(site.map((c) => [c.fieldId, c]));
  const byName = new Map(site.map((c) => [c.column, c]));
  const columns: CustomColumn[] = [];
  const notes: Binding['notes'] = [];
  const bound = new Set<string>();
  for (const [column, schema] of Object.entries(catalogProperties)) {
    if (base.includes(column)) continue;
    const description = (schema as { description?: unknown } | null)?.description;
    const id = typeof description === 'string' ? DESCRIBED_ID.exec(description)?.[1] : undefined;
    const now = id !== undefined ? byId.get(id) : byName.get(column);
    if (id === undefined && now === undefined) continue; // not one of ours: nothing fills it
    const fieldId = id ?? now!.fieldId;
    bound.add(fieldId);
    if (now === undefined) {
      notes.push({ level: 'WARN', message: `column ${column}: Jira has no custom field ${fieldId} any more (deleted, or hidden from this user); the column stays null. Run discover again to drop it.` });
      columns.push({ column, fieldId, kind: undefined, schema: schema as Record<string, unknown> });
    } else if (typeOnly(schema) !== typeOnly(now.schema)) {
      notes.push({
        level: 'WARN',
        message: `column ${column}: field ${fieldId} changed type since discover (now ${typeOnly(now.schema)}); the column stays null and the values are in fields. Run discover again (and reset the column in the destination) to type it anew.`,
      });
      columns.push({ column, fieldId, kind: undefined, schema: schema as Record<string, unknown> });
    } else {
      columns.push({ ...now, column, schema: schema as Record<string, unknown> });
    }
  }
  const unlisted = site.filter((c) => !bound.has(c.fieldId));
  if (unlisted.length > 0) {
    notes.push({
      level: 'INFO',
      message: `${unlisted.length} custom field(s) have no column in the catalog (new since discover, or deselected): ${unlisted.slice(0, 5).map((c) => c.fieldId).join(', ')}${unlisted.length > 5 ? ', …' : ''}; their values are in fields only.`,
    });
  }
  return { columns, notes };
}
