// Runs a CLI bin inside this very process and, when the process exits, writes its own
// process.resourceUsage() to a file: CPU user+sys and peak RSS of exactly the connector, on any OS,
// without /usr/bin/time. Usage: node measure-wrapper.js <report.json> <bin.js> [args...]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [reportPath, bin, ...args] = process.argv.slice(2);
if (!reportPath || !bin) {
  process.stderr.write('usage: measure-wrapper <report.json> <bin.js> [args...]\n');
  process.exit(2);
}

// The CLI parses process.argv as if it had been started directly.
process.argv = [process.argv[0]!, resolve(bin), ...args];

process.on('exit', (code) => {
  const u = process.resourceUsage();
  writeFileSync(
    reportPath,
    JSON.stringify({
      code,
      userCpuS: u.userCPUTime / 1e6,
      systemCpuS: u.systemCPUTime / 1e6,
      // ru_maxrss is in kilobytes on Linux and macOS as Node reports it.
      maxRssMb: u.maxRSS / 1024,
    }),
  );
});

await import(pathToFileURL(resolve(bin)).href);
