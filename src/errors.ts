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
