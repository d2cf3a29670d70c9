// A progress bar for long CLI jobs (seeding, imports, verification), quiet when not on a terminal.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number): Progress {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done, t) {
        const now = Date.now();
        if (now - last > 2000 || done === (t ?? total)) {
          last = now;
          process.stderr.write(`${label}: ${done}/${t ?? total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return {
    update(done, t) {
      if (t !== undefined) bar.setTotal(t);
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
