// The Sprint field: which custom field it is on this site (found in /field by its type, by name as a
// fallback), and its values read into sprint ids. Cloud sends objects ({id, boardId, name, state, …});
// Data Center strings like `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=12,rapidViewId=3,
// state=CLOSED,name=Sprint 1,…,goal=a, b]` (a goal may hold commas, so only the leading id=… and
// rapidViewId=… are read; names and dates belong to the sprints stream).
import { dcSprint, SPRINT_FIELD_TYPE } from '../../jira/custom-field-kinds.js';
import { siteFields } from '../site-fields.js';
import type { StreamContext } from '../stream.js';

export { SPRINT_FIELD_TYPE };

interface FieldBean {
  id?: unknown;
  name?: unknown;
  custom?: unknown;
  schema?: { custom?: unknown };
}

/** The Sprint field's id, or undefined when the site has none (no Jira Software). One GET /field. */
export async function findSprintField(ctx: StreamContext): Promise<string | undefined> {
  const beans = (await siteFields(ctx)) as FieldBean[];
  const byType = beans.find((f) => f?.schema?.custom === SPRINT_FIELD_TYPE);
  const byName = beans.find((f) => f?.custom === true && f.name === 'Sprint' && typeof f.schema?.custom === 'string' && f.schema.custom.endsWith(':gh-sprint'));
  const found = byType ?? byName ?? beans.find((f) => f?.custom === true && f.name === 'Sprint');
  return typeof found?.id === 'string' ? found.id : undefined;
}

export interface SprintRef {
  id: number;
  boardId: number | null;
}

/** The sprints one value of the field names; values of another shape are left out. */
export function sprintRefs(value: unknown): SprintRef[] {
  if (!Array.isArray(value)) return [];
  const out: SprintRef[] = [];
  for (const v of value) {
    if (typeof v === 'string') {
      const ref = dcSprint(v);
      if (ref) out.push(ref);
    } else if (v !== null && typeof v === 'object') {
      const s = v as { id?: unknown; boardId?: unknown };
      const id = typeof s.id === 'number' ? s.id : typeof s.id === 'string' && /^\d+$/.test(s.id) ? Number(s.id) : undefined;
      if (id !== undefined) out.push({ id, boardId: typeof s.boardId === 'number' ? s.boardId : null });
    }
  }
  return out;
}
