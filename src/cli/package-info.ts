// Name, version and description as package.json states them (for --about and --version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/spec.js';

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
}

export function packageInfo(): PackageInfo {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as PackageInfo;
}
