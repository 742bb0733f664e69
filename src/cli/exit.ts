// Exit once stdout has taken everything written so far: the connector never leaves a
// half-written message, and a forgotten handle (socket, timer) cannot keep the process alive.
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableEnded || process.stdout.destroyed) process.exit(code);
  else process.stdout.write('', () => process.exit(code));
}
