import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** `json` always; `pretty` always; `auto` pretty on a TTY, JSON otherwise. */
  format?: 'json' | 'pretty' | 'auto';
  /** Where logs go: stderr by default, so stdout stays clean for command output. */
  destination?: number;
}

/**
 * Structured JSON logs (pino). Human-readable when stderr is a terminal. Logs go to stderr so that
 * `weft hunt --output jsonl | jq` sees only results on stdout.
 */
export async function createLogger(opts: LoggerOptions = {}): Promise<Logger> {
  const level = opts.level ?? (process.env.WEFT_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  const fd = opts.destination ?? 2;
  const format = opts.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && fd === 2 && process.stderr.isTTY === true);
  if (pretty) {
    const { default: pinoPretty } = await import('pino-pretty');
    return pino({ level, base: null }, pinoPretty({ destination: fd, colorize: true, sync: true }));
  }
  return pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd, sync: true }));
}

/** A logger that writes nothing: the default for library code called without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
