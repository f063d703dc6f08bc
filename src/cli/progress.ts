import cliProgress from 'cli-progress';

/** A byte-based progress bar on a TTY (stderr); nothing otherwise, so pipes and CI stay clean. */
export interface Progress {
  update(bytes: number, records: number): void;
  stop(): void;
}

export function createProgress(totalBytes: number, label: string): Progress {
  if (!process.stderr.isTTY || totalBytes <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {records} records | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0, { records: 0 });
  return {
    update: (bytes, records) => bar.update(Math.min(bytes, totalBytes), { records }),
    stop: () => bar.stop(),
  };
}
