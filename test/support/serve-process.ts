/** `weft serve` as a child process on a data dir, for crash and shutdown tests and the HTTP benchmark. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './shared-data.js';
import { weft } from './cli.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stderr(): string;
}

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_LOG_LEVEL: 'warn', ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Start `weft serve --port 0` and wait until it prints where it listens. */
export async function startServeProcess(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => { err = (err + d).slice(-20_000); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    void exited.then((code) => reject(new Error(`weft serve exited (${code}) before listening:\n${err}`)));
  });
  return { child, url, exited, stderr: () => err };
}

/** A user and an API key made with the CLI, as an operator would. Returns the key. */
export function makeIngestKey(dataDir: string, user = 'ingest-bot'): string {
  const add = weft(['users', 'add', user, '--role', 'ingest', '--password-stdin', '--data-dir', dataDir], { input: 'a long enough password\n' });
  if (add.code !== 0) throw new Error(`users add failed: ${add.stderr}`);
  const key = weft(['users', 'keys', 'add', user, '--name', 'test', '--data-dir', dataDir]);
  if (key.code !== 0) throw new Error(`users keys add failed: ${key.stderr}`);
  return key.stdout.trim();
}
