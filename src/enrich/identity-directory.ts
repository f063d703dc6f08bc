import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Who is who across sources: each canonical identity with the names it appears under
 * (`CORP\alice` on Windows, `alice@corp.example` in Okta, `alice@corp.example` as a federated
 * CloudTrail session). Kept as YAML so an identity team can export it from their directory.
 *
 * users:
 *   - id: alice
 *     aliases: ['CORP\alice', alice@corp.example]      # or grouped: {windows: [...], okta: [...]}
 * hosts:
 *   - id: dc01
 *     aliases: [dc01.corp.example, 10.0.0.10]
 */
/** Aliases as a flat list, or grouped by source (`windows: [...]`, `okta: [...]`); grouped ones are flattened. */
const aliases = z
  .union([z.array(z.string().min(1)), z.record(z.string(), z.array(z.string().min(1)))])
  .default([])
  .transform((a) => (Array.isArray(a) ? a : Object.values(a).flat()));
const entry = z.strictObject({
  id: z.string().min(1),
  display_name: z.string().optional(),
  department: z.string().optional(),
  aliases,
});
const schema = z.strictObject({
  version: z.literal(1).optional(),
  /** The Windows domain: `DOMAIN\\user` names are matched without it. */
  domain: z.string().optional(),
  users: z.array(entry).default([]),
  hosts: z.array(entry).default([]),
});

export type IdentityDirectory = z.output<typeof schema>;

export class IdentityDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityDirectoryError';
  }
}

export function parseIdentityDirectory(text: string, source = 'identity directory'): IdentityDirectory {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new IdentityDirectoryError(`${source} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = schema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new IdentityDirectoryError(`${source}: '${i?.path.join('.') ?? ''}': ${i?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function loadIdentityDirectory(path: string): IdentityDirectory {
  return parseIdentityDirectory(readFileSync(path, 'utf8'), path);
}
