// Reads a JSON input file (config, catalog, state). Every failure is one config_error line naming the
// file and the fix. The parser's own message is not shown: it quotes the file, which may hold a secret.
import { readFile } from 'node:fs/promises';
import { configError } from '../errors.js';

export type InputFileKind = 'config' | 'catalog' | 'state';

const FIXES: Record<InputFileKind, string> = {
  config: 'fix its syntax: it must be one JSON object (see spec.json)',
  catalog: 'fix it, or write it again from the discover output',
  state: 'fix it, or delete it to start from start_date',
};

export async function readJsonFile(path: string, kind: InputFileKind, flag = `--${kind}`): Promise<unknown> {
  const label = `${kind[0]!.toUpperCase()}${kind.slice(1)} file ${path}`;
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
  try {
    return JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw configError(`${label} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}; ${FIXES[kind]}`);
  }
}
