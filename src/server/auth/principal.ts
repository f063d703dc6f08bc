import type { RoleName } from '../../store/types.js';

/** Who is making a request, after authentication. */
export interface Principal {
  kind: 'user' | 'api_key';
  userId: string;
  /** The username; for an API key, `<username>/<key name>`. Written to the audit log as the actor. */
  name: string;
  role: RoleName;
  /** The login session behind a user's access token. */
  sessionId?: string;
  keyId?: string;
}
