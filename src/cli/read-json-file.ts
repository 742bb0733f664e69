// Reads a JSON input file (config, catalog, state). Every failure is one config_error line naming the
// file and the fix. The parser's own message is not shown: it quotes the file, which may hold a secret.
import { readFile } from 'node:fs/promises';
import { configError } from '../errors.js';
import type { JsonInput } from '../protocol/json-input.js';

export type InputFileKind = 'config' | 'catalog' | 'state';

const FIXES: Record<InputFileKind, string> = {
  config: 'fix its syntax: it must be one JSON object (see spec.json)',
  catalog: 'fix it, or write it again from the discover output',
  state: 'fix it, or delete it to start from start_date',
};

const labelOf = (kind: InputFileKind, path: string): string => `${kind[0]!.toUpperCase()}${kind.slice(1)} file ${path}`;

async function readText(path: string, kind: InputFileKind, flag: string): Promise<string> {
  const label = labelOf(kind, path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw configError(`${label} does not exist; check the ${flag} path`);
    throw configError(`${label} cannot be read (${code ?? 'error'}); check the ${flag} path and its permissions`);
  }
  // Windows editors (Notepad, PowerShell's Out-File) start UTF-8 files with a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw configError(`${label} is empty; ${FIXES[kind]}`);
  return text;
}

function notJson(label: string, kind: InputFileKind, err: unknown): never {
  const position = /position (\d+)/.exec((err as Error).message)?.[1];
  throw configError(`${label} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}; ${FIXES[kind]}`);
}

export async function readJsonFile(path: string, kind: InputFileKind, flag = `--${kind}`): Promise<unknown> {
  const text = await readText(path, kind, flag);
  try {
    return JSON.parse(text);
  } catch (err) {
    notJson(labelOf(kind, path), kind, err);
  }
}

/**
 * One JSON document, or newline-delimited JSON: the messages a previous run printed (`discover >
 * catalog.ndjson`, `read > run.ndjson`). A last line cut short (a run killed mid-write) is dropped.
 */
export async function readJsonOrLines(path: string, kind: InputFileKind, flag = `--${kind}`): Promise<JsonInput> {
  const text = await readText(path, kind, flag);
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch (err) {
    const lines = text.split('\n').map((l) => l.trim());
    while (lines.at(-1) === '') lines.pop();
    if (lines.length < 2) notJson(labelOf(kind, path), kind, err);
    const values: unknown[] = [];
    let cutShort = false;
    lines.forEach((line, i) => {
      if (line === '') return;
      try {
        values.push(JSON.parse(line));
      } catch {
        // Not NDJSON either: report the document's own error (a pretty-printed file is not lines).
        if (i < lines.length - 1) notJson(labelOf(kind, path), kind, err);
        cutShort = true;
      }
    });
    return { lines: values, cutShort };
  }
  return { value: whole };
}
