// Every error the connector raises on purpose says whose fault it is (the Airbyte failure types)
// and carries a one-line message for the user that names the problem and the fix.
export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export class ConnectorError extends Error {
  readonly failureType: FailureType;
  /** Detail for logs and the trace's internal_message; never shown as the headline. */
  readonly internal: string | undefined;

  constructor(message: string, failureType: FailureType, options: { internal?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = failureType;
    this.internal = options.internal;
  }
}

export function configError(message: string, internal?: string): ConnectorError {
  return new ConnectorError(message, 'config_error', internal === undefined ? {} : { internal });
}

/** Any thrown value as a ConnectorError: our own errors pass through, the rest are system errors. */
export function asConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return new ConnectorError(`Unexpected error: ${e.message.split('\n')[0]}; this is a bug, please report it`, 'system_error', {
    internal: e.stack ?? e.message,
    cause: err,
  });
}

/** The reader of our output went away (closed pipe): nothing more can be delivered, so the run stops. */
export class OutputClosedError extends ConnectorError {
  constructor(cause?: unknown) {
    super('the output (stdout) was closed by its reader before the run finished; nothing more was sent', 'system_error', { cause });
    this.name = 'OutputClosedError';
  }
}
