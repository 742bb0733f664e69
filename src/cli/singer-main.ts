// The Singer front: --about [--format] | --config C --discover | --config C [--catalog|--properties K] [--state S].
// stdout carries only Singer messages (or the one catalog/about document); logs and errors go to stderr.
import { Command, CommanderError, Option } from 'commander';
import type { Config } from '../config/config.js';
import { noRedaction, type GrowingRedactor, type Redactor } from '../config/redact.js';
import { loadSpec } from '../config/spec.js';
import { asConnectorError, configError } from '../errors.js';
import { textLogger } from '../protocol/loggers.js';
import { NdjsonSink } from '../protocol/ndjson-sink.js';
import { planAllStreams, planFromSingerCatalog, singerCatalog } from '../protocol/singer-catalog.js';
import { SingerReadListener } from '../protocol/singer-read-listener.js';
import { discover, read } from '../source.js';
import { deploymentOf } from '../jira/deployment.js';
import { streamsFor } from '../streams/registry.js';
import type { JsonObject } from '../streams/stream.js';
import type { CliDeps, CliIo } from './cli-deps.js';
import { packageInfo } from './package-info.js';
import { loadConfig as loadConfigFile } from './load-config.js';
import { loadState } from './load-state.js';
import { readJsonFile } from './read-json-file.js';
import { persistToConfigFile, type PersistCredentials } from './rotated-credentials.js';

export const CAPABILITIES = ['catalog', 'discover', 'state', 'about'];

interface SingerOptions {
  config?: string;
  catalog?: string;
  properties?: string;
  state?: string;
  discover?: boolean;
  about?: boolean;
  format: 'text' | 'json' | 'markdown';
  debug?: boolean;
}

export function aboutDocument(): JsonObject {
  const { version, description } = packageInfo();
  return { name: 'tap-jira', description, version, capabilities: CAPABILITIES, settings: loadSpec().connectionSpecification };
}

function aboutText(markdown: boolean): string {
  const about = aboutDocument();
  const settings = about.settings as { properties: Record<string, { description?: string }>; required: string[] };
  const h = (t: string): string => (markdown ? `## ${t}` : `${t}:`);
  return [
    markdown ? `# ${about.name}` : `Name: ${about.name}`,
    markdown ? String(about.description) : `Description: ${about.description}`,
    `Version: ${about.version}`,
    h('Capabilities'),
    ...CAPABILITIES.map((c) => `  - ${c}`),
    h('Settings'),
    ...Object.entries(settings.properties).map(
      ([name, s]) => `  - ${name}${settings.required.includes(name) ? ' (required)' : ''}: ${s.description ?? ''}`,
    ),
  ].join('\n');
}

export async function runSinger(argv: string[], io: CliIo, deps: CliDeps): Promise<number> {
  let redact: Redactor = noRedaction;
  let debug = false;
  const writeErr = (line: string): void => void io.stderr.write(`${line}\n`);
  const logger = textLogger(writeErr, (t) => redact(t), () => debug);
  const sink = new NdjsonSink(io.stdout);
  let growing: GrowingRedactor | undefined;
  let persistCredentials: PersistCredentials | undefined;

  const loadConfig = async (path: string | undefined): Promise<Config> => {
    if (path === undefined) throw configError('--config is required; pass --config config.json (or use --about)');
    const use = (r: GrowingRedactor): void => void (redact = sink.redact = growing = r);
    // A rotated OAuth refresh token is written back into this file (Singer has no message for it).
    return loadConfigFile(path, use, logger, (raw) => (persistCredentials = persistToConfigFile(path, { raw })));
  };

  const sync = async (opts: SingerOptions): Promise<number> => {
    const config = await loadConfig(opts.config);
    const catalogPath = opts.catalog ?? opts.properties;
    const catalogFlag = opts.catalog !== undefined ? '--catalog' : '--properties';
    const streams = streamsFor(deps.streams, deploymentOf(config));
    const plan =
      catalogPath === undefined
        ? planAllStreams(streams)
        : planFromSingerCatalog(await readJsonFile(catalogPath, 'catalog', catalogFlag), catalogPath, streams);
    let state: JsonObject = { bookmarks: {} };
    if (opts.state !== undefined) {
      const parsed = await loadState(opts.state, 'singer', plan, streams, logger);
      state = parsed.singer ?? { bookmarks: Object.fromEntries(parsed.streams) };
    }
    if (catalogPath !== undefined && plan.length === 0) logger.warn(`no stream is selected in ${catalogPath}; nothing to sync`);
    const listener = new SingerReadListener(sink, logger, deps.clock, state);
    const learnSecret = (secret: string): void => growing?.add(secret);
    const { failed } = await read(config, plan, { ...deps, logger, learnSecret, persistCredentials }, listener);
    if (failed.length > 0) writeErr(redact(`CRITICAL sync failed for ${failed.length} stream(s): ${failed.join(', ')}`));
    return failed.length > 0 ? 1 : 0;
  };

  const main = async (opts: SingerOptions): Promise<number> => {
    debug = opts.debug === true;
    if (opts.about) {
      // JSON on one line: Meltano parses the whole output, line-based readers parse the line.
      const text = opts.format === 'json' ? JSON.stringify(aboutDocument()) : aboutText(opts.format === 'markdown');
      io.stdout.write(`${text}\n`);
      return 0;
    }
    if (opts.catalog !== undefined && opts.properties !== undefined) {
      throw configError('pass either --catalog or --properties, not both');
    }
    if (opts.discover) {
      const config = await loadConfig(opts.config);
      // Exactly one JSON document: Meltano parses the whole of stdout as the catalog (ndjson-sink.ts).
      // Discover asks the site (typed custom fields): a rotated OAuth token is written back here too.
      const learnSecret = (secret: string): void => growing?.add(secret);
      const streams = await discover(config, streamsFor(deps.streams, deploymentOf(config)), { ...deps, logger, learnSecret, persistCredentials });
      await sink.writeDocument(singerCatalog(streams));
      return 0;
    }
    return sync(opts);
  };

  let code = 0;
  const program = new Command('tap-jira')
    .description(`${packageInfo().description} (Singer protocol)`)
    .version(packageInfo().version)
    .option('-c, --config <path>', 'config JSON file')
    .option('-d, --discover', 'print the catalog')
    .option('--catalog <path>', 'catalog JSON file (streams selected with "selected": true)')
    .option('-p, --properties <path>', 'catalog JSON file (legacy name of --catalog)')
    .option('-s, --state <path>', 'state JSON file ({"bookmarks": {...}}), or the output of a previous run')
    .option('--about', 'print name, version, capabilities and settings')
    .addOption(new Option('--format <format>', 'format of --about').choices(['text', 'json', 'markdown']).default('text'))
    .option('--debug', 'also log DEBUG lines')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
    .action(async (opts: SingerOptions) => {
      code = await main(opts);
    });

  io.onFatal?.(async (err) => {
    await sink.flush().catch(() => {});
    writeErr(redact(`CRITICAL ${asConnectorError(err).message}`));
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    await sink.flush(); // the sink coalesces lines: nothing may stay buffered at exit
    return code;
  } catch (err) {
    await sink.flush().catch(() => {}); // what was emitted before the failure still goes out
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    const message =
      err instanceof CommanderError ? `${err.message.replace(/^error: /, '').replace(/\.$/, '')}; see tap-jira --help` : asConnectorError(err).message;
    writeErr(redact(`CRITICAL ${message}`.replace(/\s*\n\s*/g, ' ')));
    return 1;
  }
}
