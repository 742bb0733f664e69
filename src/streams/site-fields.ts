// The site's fields (GET /field), read once per run whoever asks: the issue_fields stream, the custom
// field streams (its children), the Sprint field lookup of sprint_issues and the typed columns of
// issues all share one answer through the run memo (issue_fields is a parent, so it is kept).
import { issueFields } from './lists/issue-meta.js';
import { Skips } from './declare.js';
import type { JsonObject, StreamContext } from './stream.js';

export async function siteFields(ctx: StreamContext): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  for await (const r of issueFields.records(ctx, new Skips())) out.push(r);
  return out;
}
