// `npm run bench:startup`: how fast fcw starts, against `node -e 0` in the same run.
//
// - `node dist/cli.js --version` (draws nothing, must not load Ink): wall time of the process.
// - the wizard's first frame: fcw started in a pseudo-terminal (util-linux `script`, sized 100x40
//   with stty), timed from spawn until its output shows the first screen ("fcw · step 1/9"), and
//   until the first menu is interactive ("Where should the function go?").
// - the service filter: 2,000 services, each keystroke of a query filtered and the list rendered
//   (ink's renderToString), per keystroke.
// Medians over FCW_BENCH_RUNS runs (default 15), runs of the different commands interleaved so that
// load on the machine hits them alike. Targets: --version ≤ 1.5x bare node; first frame
// ≤ 3x; a keystroke filters in < 50 ms.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import React from 'react';
import { renderToString } from 'ink';
import { ServiceList } from '../../src/ui/steps/ServiceStep.js';
import { filterNames } from '../../src/wizard/filter.js';
import type { ServiceInfo } from '../../src/fc/types.js';

const REPO = process.cwd();
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');
const RUNS = Number(process.env.FCW_BENCH_RUNS ?? 15);
const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-startup-'));
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  FCW_CONFIG_DIR: path.join(work, 'config'),
  HOME: work,
  TERM: 'xterm-256color',
};
delete childEnv.CI;
for (const k of Object.keys(childEnv)) if (k.startsWith('ALIBABA_CLOUD_')) delete childEnv[k];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const upper = s[mid];
  if (upper === undefined) throw new Error('no samples');
  return s.length % 2 ? upper : ((s[mid - 1] ?? upper) + upper) / 2;
}

function timeProcess(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Spawns `command` in a pty; resolves with the ms until each marker first shows in its output. */
/** Milliseconds until each marker showed, one per marker (it rejects unless all showed). */
function timePty<M extends readonly string[]>(
  command: string,
  markers: M,
  timeoutMs = 15_000,
): Promise<{ [K in keyof M]: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 100 rows 40; ${command}`, '/dev/null'], {
      env: childEnv,
      cwd: work,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const seen: (number | undefined)[] = markers.map(() => undefined);
    let out = '';
    const stop = (error?: Error) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      if (error) reject(error);
      else resolve(seen as { [K in keyof M]: number });
    };
    const timer = setTimeout(
      () =>
        stop(new Error(`no ${markers.join(' / ')} within ${timeoutMs} ms; output: ${JSON.stringify(out.slice(-400))}`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const now = performance.now() - t0;
      // Colour and cursor sequences sit between the words: match on the text alone.
      const text = stripVTControlCharacters(out);
      markers.forEach((m, i) => {
        if (seen[i] === undefined && text.includes(m)) seen[i] = now;
      });
      if (seen.every((s) => s !== undefined)) stop();
    });
    child.on('error', (e) => stop(e));
  });
}

/** `script` itself costs something: the same pty around `node -e 0` that prints a marker. */
function ptyBaseline(): Promise<readonly [number]> {
  return timePty(`${process.execPath} -e "process.stdout.write('READY')"; sleep 5`, ['READY'] as const);
}

function service(i: number): ServiceInfo {
  return {
    serviceName: `svc-${String(i).padStart(4, '0')}-${['api', 'web', 'jobs', 'etl'][i % 4]}`,
    serviceId: String(i),
    createdTime: '',
    lastModifiedTime: '',
  };
}

async function main() {
  const bare: number[] = [];
  const version: number[] = [];
  const firstFrame: number[] = [];
  const menu: number[] = [];
  const ptyBare: number[] = [];
  // One warm-up of each, not counted (disk cache, the sandbox-free config dir).
  timeProcess(['-e', '0']);
  timeProcess([CLI, '--version']);
  await timePty(`${process.execPath} ${CLI}`, ['fcw · step 1/9']);
  for (let i = 0; i < RUNS; i++) {
    bare.push(timeProcess(['-e', '0']));
    version.push(timeProcess([CLI, '--version']));
    const [frame, ready] = await timePty(`${process.execPath} ${CLI}`, [
      'fcw · step 1/9',
      'Where should the function go?',
    ] as const);
    firstFrame.push(frame);
    menu.push(ready);
    ptyBare.push((await ptyBaseline())[0]);
  }

  // The filter: 2,000 services, typing "svc-1234" one key at a time.
  const services = Array.from({ length: 2000 }, (_, i) => service(i));
  const query = 'svc-1234';
  const perKey: number[] = [];
  const filterOnly: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    // Backspace to empty between rounds: the empty query shows the whole list's first window.
    for (let n = 0; n <= query.length; n++) {
      const q = query.slice(0, n);
      const t0 = performance.now();
      const matches = filterNames(services, q, (s) => s.serviceName);
      const t1 = performance.now();
      const text = renderToString(
        React.createElement(ServiceList, {
          total: services.length,
          matches,
          query: q,
          highlighted: matches.length ? 1 : 0,
          color: false,
        }),
        { columns: 100 },
      );
      perKey.push(performance.now() - t0);
      filterOnly.push(t1 - t0);
      if (!text.includes('2000 services')) throw new Error('the list did not render');
    }
  }

  const b = median(bare);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const lines = [
    `fcw startup, medians of ${RUNS} runs (${os.cpus().length} cores, load ${(os.loadavg()[0] ?? 0).toFixed(1)})`,
    `  node -e 0                         ${fmt(b)}`,
    `  fcw --version                     ${fmt(median(version))}  ${(median(version) / b).toFixed(2)}x bare node  (target ≤ 1.5x)`,
    `  pty + node -e 0 (script overhead) ${fmt(median(ptyBare))}`,
    `  wizard first frame (in a pty)     ${fmt(median(firstFrame))}  ${(median(firstFrame) / b).toFixed(2)}x bare node  (target ≤ 3x); ${(median(firstFrame) / median(ptyBare)).toFixed(2)}x pty + node -e 0`,
    `  wizard first menu ready           ${fmt(median(menu))}  ${(median(menu) / b).toFixed(2)}x bare node`,
    `  filter + render, 2,000 services   median ${fmt(median(perKey))} per keystroke, max ${fmt(Math.max(...perKey))} (first, cold)  (target < 50 ms); filter alone median ${fmt(median(filterOnly))}`,
  ];
  console.log(lines.join('\n'));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
