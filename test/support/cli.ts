import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared-data.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the weft CLI from source, as a user would run the built one. */
export function weft(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, WEFT_LOG_LEVEL: opts.env?.WEFT_LOG_LEVEL ?? 'warn' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    input: opts.input ?? '',
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
