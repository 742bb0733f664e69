// Re-extracts the parts of Jira's OpenAPI documents that the simulator's fidelity tests validate
// against (test/simulator/fidelity.test.ts) into test/fixtures/jira-openapi/, so the repository
// carries ~100 KB instead of 3 MB of spec. Each output keeps `openapi` and `info` (version, license),
// the listed paths (only the listed methods) and every component schema they reach through $ref.
//
//   node scripts/extract-openapi.mjs <jira-platform-v3.json> <jira-software-agile.json>
//
// Download the full documents from the URLs in test/fixtures/jira-openapi/README.md. A path or
// component the tests need and the document lacks is an error, not a smaller file.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/jira-openapi');

/** What the fidelity tests look up: [path, method] pairs and component schemas by name. */
export const NEEDED = {
  'jira-platform-v3.json': {
    paths: [
      ['/rest/api/3/myself', 'get'], ['/rest/api/3/serverInfo', 'get'], ['/rest/api/3/field', 'get'],
      ['/rest/api/3/project/search', 'get'], ['/rest/api/3/search/jql', 'get'], ['/rest/api/3/search/jql', 'post'],
      ['/rest/api/3/search/approximate-count', 'post'], ['/rest/api/3/issue/bulkfetch', 'post'],
      ['/rest/api/3/issue/{issueIdOrKey}', 'get'], ['/rest/api/3/issue/{issueIdOrKey}/comment', 'get'],
      ['/rest/api/3/issue/{issueIdOrKey}/worklog', 'get'], ['/rest/api/3/issue/{issueIdOrKey}/changelog', 'get'],
      ['/rest/api/3/changelog/bulkfetch', 'post'], ['/rest/api/3/worklog/updated', 'get'],
      ['/rest/api/3/worklog/deleted', 'get'], ['/rest/api/3/worklog/list', 'post'], ['/rest/api/3/users/search', 'get'],
      ['/rest/api/3/status', 'get'], ['/rest/api/3/statuscategory', 'get'], ['/rest/api/3/priority', 'get'],
      ['/rest/api/3/issuetype', 'get'], ['/rest/api/3/resolution', 'get'],
      ['/rest/api/3/project/{projectIdOrKey}/versions', 'get'], ['/rest/api/3/project/{projectIdOrKey}/components', 'get'],
      ['/rest/api/3/search', 'get'], ['/rest/api/3/user/search', 'get'],
      ['/rest/api/3/priority/search', 'get'], ['/rest/api/3/resolution/search', 'get'], ['/rest/api/3/issueLinkType', 'get'],
      ['/rest/api/3/projectCategory', 'get'], ['/rest/api/3/project/{projectIdOrKey}/version', 'get'],
      ['/rest/api/3/project/{projectIdOrKey}/component', 'get'], ['/rest/api/3/label', 'get'],
      ['/rest/api/3/field/{fieldId}/context', 'get'], ['/rest/api/3/field/{fieldId}/context/{contextId}/option', 'get'],
      ['/rest/api/3/group/bulk', 'get'], ['/rest/api/3/group/member', 'get'], ['/rest/api/3/filter/search', 'get'],
      ['/rest/api/3/auditing/record', 'get'], ['/rest/api/3/project/{projectIdOrKey}', 'get'],
    ],
    components: ['StatusDetails', 'IssueTypeDetails', 'Priority', 'ProjectDetails', 'UserDetails', 'Resolution',
      'PageOfComments', 'PageOfWorklogs', 'ProjectComponent', 'Version', 'ErrorCollection', 'IssueLink'],
  },
  'jira-software-agile.json': {
    paths: [['/rest/agile/1.0/board', 'get'], ['/rest/agile/1.0/board/{boardId}/configuration', 'get']],
    components: ['SprintBean'],
  },
};

/** Only the 200 JSON response of an operation is validated: parameters, bodies and prose are dropped. */
function slimOperation(op, where) {
  const schema = op?.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${where}: no 200 application/json response schema`);
  return { responses: { 200: { description: 'OK', content: { 'application/json': { schema } } } } };
}

/** Drops documentation text (description, example) that validation never reads. */
function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'example' || k === 'examples') continue;
    // A property *named* description is a real field: keep it (only the keyword is documentation).
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s)])) : strip(v);
  }
  return out;
}

export function extract(doc, needed, file) {
  const paths = {};
  for (const [path, method] of needed.paths) {
    const op = doc.paths?.[path]?.[method];
    if (!op) throw new Error(`${file}: ${method.toUpperCase()} ${path} is missing`);
    (paths[path] ??= {})[method] = slimOperation(op, `${file} ${method.toUpperCase()} ${path}`);
  }
  const all = doc.components?.schemas ?? {};
  const schemas = {};
  const queue = [...needed.components];
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const m = /^#\/components\/schemas\/(.+)$/.exec(node.$ref);
      if (!m) throw new Error(`${file}: unsupported $ref ${node.$ref}`);
      queue.push(m[1]);
    }
    Object.values(node).forEach(visit);
  };
  visit(paths);
  while (queue.length > 0) {
    const name = queue.shift();
    if (name in schemas) continue;
    if (!(name in all)) throw new Error(`${file}: component schema ${name} is missing`);
    schemas[name] = all[name];
    visit(all[name]);
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  return strip({ openapi: doc.openapi, info: doc.info, paths, components: { schemas: sorted } });
}

function main() {
  const [platform, agile] = process.argv.slice(2);
  if (!platform || !agile) {
    console.error('usage: node scripts/extract-openapi.mjs <jira-platform-v3.json> <jira-software-agile.json>');
    process.exitCode = 2;
    return;
  }
  for (const [source, file] of [[platform, 'jira-platform-v3.json'], [agile, 'jira-software-agile.json']]) {
    const doc = JSON.parse(readFileSync(source, 'utf8'));
    const out = extract(doc, NEEDED[file], file);
    writeFileSync(join(OUT, file), `${JSON.stringify(out, null, 1)}\n`);
    console.log(`${file}: ${Object.keys(out.paths).length} paths, ${Object.keys(out.components.schemas).length} schemas, info.version ${out.info.version}`);
  }
}

// Run as a script; imported (by the fixture test), it only exports NEEDED and extract.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
