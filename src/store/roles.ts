import type { RoleName, RoleRecord } from './types.js';

/**
 * The permission model. Routes declare the permission they need; roles grant sets of permissions.
 * Kept as data so the server, the CLI and the migrations agree on one definition.
 */
export const PERMISSIONS = [
  'events:read',
  'events:ingest',
  'alerts:read',
  'alerts:write',
  'incidents:read',
  'incidents:write',
  'rules:read',
  'rules:write',
  'suppressions:read',
  'suppressions:write',
  'assets:read',
  'assets:write',
  'intel:read',
  'intel:write',
  'quarantine:read',
  'quarantine:write',
  'sources:read',
  'users:read',
  'users:write',
  'audit:read',
  /** See configured sensitive fields (server.sensitive_fields) decrypted; without it they are withheld. */
  'events:read_sensitive',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL = PERMISSIONS.filter((p) => p.endsWith(':read') && p !== 'users:read' && p !== 'audit:read');
// Not in READ_ALL (it does not end in ':read'): a viewer sees sensitive fields withheld.

export const ROLES: readonly RoleRecord[] = [
  { name: 'admin', description: 'Everything, including users, keys and the audit log.', permissions: [...PERMISSIONS] },
  {
    name: 'analyst',
    description: 'Reads all detection data; changes alerts, incidents, suppressions and rules.',
    permissions: [...READ_ALL, 'alerts:write', 'incidents:write', 'suppressions:write', 'rules:write', 'quarantine:write', 'events:read_sensitive'],
  },
  { name: 'viewer', description: 'Read only.', permissions: [...READ_ALL] },
  { name: 'ingest', description: 'Sends events; reads nothing.', permissions: ['events:ingest'] },
];

export const ROLE_NAMES: readonly RoleName[] = ROLES.map((r) => r.name);

export function roleHasPermission(role: RoleName, permission: Permission): boolean {
  return ROLES.find((r) => r.name === role)?.permissions.includes(permission) ?? false;
}
