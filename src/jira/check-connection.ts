// Contract: resolves when the credentials really authenticate (Jira answers wrong Basic credentials
// with 200 and an anonymous view everywhere except /myself), otherwise throws a config_error.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';

export async function checkConnection(_http: HttpClient): Promise<void> {
  throw new ConnectorError('check not implemented yet', 'system_error');
}
