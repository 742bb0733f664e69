// The Airbyte front: spec | check --config | discover --config | read --config --catalog [--state].
// stdout carries only Airbyte messages, one per line; the return value is the exit code.
import { Command, CommanderError } from 'commander';
import type { Config } from '../config/config.js';
import { loadSpec } from '../config/spec.js';
import { asConnectorError, ConnectorError } from '../errors.js';
import { catalogMessage, connectionStatusMessage, errorTraceMessage, specMessage } from '../protocol/airbyte-messages.js';
import { airbyteStream, configuredCatalogOf, planFromConfiguredCatalog } from '../protocol/airbyte-catalog.js';
import { AirbyteReadListener } from '../protocol/airbyte-read-listener.js';
import { airbyteLogger } from '../protocol/loggers.js';
import { NdjsonSink } from '../protocol/ndjson-sink.js';
import { check, discover, read } from '../source.js';
import { deploymentOf } from '../jira/deployment.js';
import { streamsFor } from '../streams/registry.js';
import type { CliDeps, CliIo } from './cli-deps.js';
import { packageInfo } from './package-info.js';
import { loadConfig as loadConfigFile } from './load-config.js';
import { loadState } from './load-state.js';
import { readJsonOrLines } from './read-json-file.js';
import type { GrowingRedactor } from '../config/redact.js';
import { persistByControlMessage } from './rotated-credentials.js';

export async function runAirbyte(argv: string[], io: CliIo, deps: CliDeps): Promise<number> {
  const sink = new NdjsonSink(io.stdout);
  let debug = false;
  const logger = airbyteLogger(sink, () => debug);
  let redactor: GrowingRedactor | undefined;
  const configFile = { raw: {} as Record<string, unknown> };
  // Rotated OAuth tokens: redacted from every other line, and handed to the platform in a CONTROL message.
  const sourceDeps = {
    ...deps,
    front: 'airbyte' as const,
    logger,
    learnSecret: (secret: string) => redactor?.add(secret),
    persistCredentials: persistByControlMessage(sink, configFile, deps.clock),
  };

  const loadConfig = (path: string): Promise<Config> =>
    loadConfigFile(path, (r) => (sink.redact = redactor = r), logger, (raw) => (configFile.raw = raw));

  const commands = {
    async spec(): Promise<number> {
      const { documentationUrl, connectionSpecification, advanced_auth } = loadSpec();
      await sink.write(specMessage(documentationUrl, connectionSpecification, advanced_auth));
      return 0;
    },
    // Bad config or credentials: CONNECTION_STATUS FAILED and exit 0; anything else is an error.
    async check(opts: { config: string }): Promise<number> {
      try {
        await check(await loadConfig(opts.config), sourceDeps);
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.failureType !== 'config_error') throw err;
        await sink.write(connectionStatusMessage('FAILED', err.message));
        return 0;
      }
      await sink.write(connectionStatusMessage('SUCCEEDED'));
      return 0;
    },
    async discover(opts: { config: string }): Promise<number> {
      const config = await loadConfig(opts.config);
      const streams = await discover(config, streamsFor(deps.streams, deploymentOf(config)), sourceDeps);
      await sink.write(catalogMessage(streams.map(airbyteStream)));
      return 0;
    },
    async read(opts: { config: string; catalog: string; state?: string }): Promise<number> {
      const config = await loadConfig(opts.config);
      const streams = streamsFor(deps.streams, deploymentOf(config));
      const { catalog, discovered } = configuredCatalogOf(await readJsonOrLines(opts.catalog, 'catalog'), opts.catalog);
      const plan = planFromConfiguredCatalog(catalog, opts.catalog, streams);
      if (discovered !== undefined) logger.info(`Catalog file ${opts.catalog} is discover's output, not a configured catalog: reading every stream in it (${discovered})`);
      if (opts.state !== undefined) await loadState(opts.state, 'airbyte', plan, streams, logger);
      const { failed } = await read(config, plan, sourceDeps, new AirbyteReadListener(sink, logger, deps.clock));
      if (failed.length > 0) logger.error(`read failed for ${failed.length} stream(s): ${failed.join(', ')}`);
      return failed.length > 0 ? 1 : 0;
    },
  };

  let code = 0;
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      code = await fn(...args);
    };
  const program = new Command('source-jira')
    .description(`${packageInfo().description} (Airbyte protocol)`)
    .version(packageInfo().version)
    .option('--debug', 'also emit DEBUG log messages')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
    .hook('preAction', (_program, action) => {
      debug = action.optsWithGlobals().debug === true;
    });
  const debugOption = ['--debug', 'also emit DEBUG log messages'] as const;
  program.command('spec').description('print the connection spec').option(...debugOption).action(run(commands.spec));
  program
    .command('check')
    .description('check the credentials')
    .requiredOption('--config <path>', 'config JSON file')
    .option(...debugOption)
    .action(run(commands.check));
  program
    .command('discover')
    .description('print the catalog')
    .requiredOption('--config <path>', 'config JSON file')
    .option(...debugOption)
    .action(run(commands.discover));
  program
    .command('read')
    .description('read the streams of a configured catalog')
    .requiredOption('--config <path>', 'config JSON file')
    .requiredOption('--catalog <path>', 'configured catalog JSON file, or the output of discover (every stream, incremental where possible)')
    .option('--state <path>', 'state JSON file (list of state messages, or the legacy object), or the output of a previous read')
    .option(...debugOption)
    .action(run(commands.read));

  const report = async (err: unknown): Promise<void> => {
    const error = asConnectorError(err);
    try {
      const internal = error.internal === undefined ? {} : { internalMessage: error.internal };
      await sink.write(errorTraceMessage(error.message, error.failureType, deps.clock(), internal));
      await sink.flush();
    } catch {
      io.stderr.write(`${sink.redact(error.message)}\n`);
    }
  };
  io.onFatal?.(report);

  try {
    if (argv.length === 0) throw new ConnectorError('no command given; use one of: spec, check, discover, read (see --help)', 'config_error');
    await program.parseAsync(argv, { from: 'user' });
    await sink.flush(); // the sink coalesces lines: nothing may stay buffered at exit
    return code;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    await report(
      err instanceof CommanderError
        ? new ConnectorError(`${err.message.replace(/^error: /, '').replace(/\.$/, '')}; see source-jira --help`, 'config_error')
        : err,
    );
    return 1;
  }
}
