/**
 * The identity directory shipped with a scenario (`identities.yaml`): one canonical user with the
 * names the same person has in each source, for entity resolution.
 */
import { stringify } from 'yaml';
import { AWS_ACCOUNT, DOMAIN, type World } from './world.js';

export interface IdentityEntry {
  id: string;
  display_name: string;
  department: string;
  aliases: {
    windows: string[];
    okta: string[];
    aws?: string[];
    linux?: string[];
  };
}

export function identityDirectory(world: World): IdentityEntry[] {
  return world.people.map((p) => {
    const windows = [`${DOMAIN}\\${p.login}`, p.email, p.sid];
    if (p.admin !== undefined) windows.push(`${DOMAIN}\\${p.admin.login}`, p.admin.sid);
    const e: IdentityEntry = {
      id: p.login,
      display_name: p.displayName,
      department: p.department,
      aliases: { windows, okta: [p.email, p.oktaId] },
    };
    if (p.awsRole !== undefined) {
      e.aliases.aws = [p.email, `arn:aws:sts::${AWS_ACCOUNT}:assumed-role/AWSReservedSSO_${p.awsRole}_*/${p.email}`];
    }
    if (p.linux) e.aliases.linux = [p.login];
    return e;
  });
}

export function identitiesYaml(world: World): string {
  const header = '# Identity directory: canonical user -> the names the same person has in each source.\n'
    + '# aws entries match the session name of the IAM Identity Center role (`*` stands for the role suffix).\n';
  return header + stringify({ version: 1, domain: DOMAIN, users: identityDirectory(world) }, { lineWidth: 0 });
}
