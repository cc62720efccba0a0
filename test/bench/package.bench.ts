// `npm run bench:package`: fcw's packager against Info-ZIP `zip -qr -6` on the same tree.
//
// Builds a deterministic corpus shaped like a function's node_modules (about 20,000 files and
// 150 MB: many small text files that compress, a few large bundles, some binaries of random bytes
// that do not), then runs `node dist/cli.js package CORPUS --out X --json` and `zip -qr -6 X .`
// alternately N times and prints the median wall time of each, the ratio, both output sizes, and
// fcw's peak RSS (from `/usr/bin/time -f %M` when present: a child's maxRSS is not visible to us).
//
// Options (env): FCW_BENCH_RUNS (default 5), FCW_BENCH_FILES (20000), FCW_BENCH_MB (150),
// FCW_BENCH_KEEP=1 keeps the work directory; FCW_BENCH_CORPUS=DIR builds the corpus there once and
// reuses it on later runs (handy while tuning; DIR is never deleted).
// Targets: time ≤ 1.0x zip, size within 3% of zip's, peak RSS < 1.5 × zip size + 150 MB.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCorpus, mb, median, TIME, timed } from './corpus.js';

// run-ts.mjs bundles this file into node_modules/.cache, so paths are taken from the working
// directory (npm runs scripts from the package root), not from import.meta.url.
const REPO = process.cwd();
// FCW_BENCH_CLI: another build of the bin (when dist/ cannot be built at the moment).
const CLI = process.env.FCW_BENCH_CLI ?? path.join(REPO, 'dist/cli.js');

function main(): void {
  const runs = Number(process.env.FCW_BENCH_RUNS ?? 5);
  const targetFiles = Number(process.env.FCW_BENCH_FILES ?? 20_000);
  const targetMb = Number(process.env.FCW_BENCH_MB ?? 150);
  if (!existsSync(CLI) && runs > 0) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  const zipOk = spawnSync('zip', ['-v'], { encoding: 'utf8' }).status === 0;
  if (!zipOk) throw new Error('Info-ZIP `zip` is not installed (apt-get install zip).');

  const work = mkdtempSync(path.join(os.tmpdir(), 'fcw-bench-package-'));
  // A private copy of the bin: dist/ is shared, and a rebuild during the runs would swap its chunks.
  const cli = path.join(work, 'dist', path.basename(CLI));
  if (runs > 0) cpSync(path.dirname(CLI), path.dirname(cli), { recursive: true });
  const given = process.env.FCW_BENCH_CORPUS;
  const corpus = given ? path.resolve(given) : path.join(work, 'corpus');
  try {
    if (given && existsSync(corpus)) {
      console.log(`corpus: reusing ${corpus}`);
    } else {
      const t0 = Date.now();
      const stats = buildCorpus(corpus, targetFiles, targetMb * 1024 * 1024);
      console.log(
        `corpus: ${stats.files} files in ${stats.dirs} folders, ${mb(stats.bytes)} (built in ${Date.now() - t0} ms) at ${corpus}`,
      );
    }
    if (runs === 0) return;
    if (!existsSync(TIME)) console.log(`note: ${TIME} not found, so peak RSS is not measured (apt-get install time).`);

    const ours: number[] = [];
    const theirs: number[] = [];
    const rss: number[] = [];
    const ourCpu: number[] = [];
    const zipCpu: number[] = [];
    const ourOut = path.join(work, 'fcw.zip');
    const zipOut = path.join(work, 'zip.zip');
    let checksum = '';
    for (let i = 0; i < runs; i++) {
      rmSync(ourOut, { force: true });
      rmSync(zipOut, { force: true });
      // Alternate which goes first, so neither always runs on a warmer cache.
      const runOurs = () => {
        // --no-cache: this measures a full build every run (bench:redeploy measures the cache).
        const r = timed(process.execPath, [cli, 'package', corpus, '--out', ourOut, '--json', '--no-cache'], work);
        ours.push(r.ms);
        if (r.rssKb !== undefined) rss.push(r.rssKb * 1024);
        if (r.cpuS !== undefined) ourCpu.push(r.cpuS);
        const report = JSON.parse(r.stdout) as { checksum: string };
        if (checksum && checksum !== report.checksum)
          throw new Error('checksum differs between runs: not deterministic');
        checksum = report.checksum;
      };
      const runZip = () => {
        const r = timed('zip', ['-qr', '-6', zipOut, '.'], corpus);
        theirs.push(r.ms);
        if (r.cpuS !== undefined) zipCpu.push(r.cpuS);
      };
      if (i % 2 === 0) {
        runOurs();
        runZip();
      } else {
        runZip();
        runOurs();
      }
      console.log(`run ${i + 1}/${runs}: fcw ${ours.at(-1)!.toFixed(0)} ms, zip ${theirs.at(-1)!.toFixed(0)} ms`);
    }
    const ourSize = statSync(ourOut).size;
    const zipSize = statSync(zipOut).size;
    const ourMs = median(ours);
    const zipMs = median(theirs);
    const rssBudget = 1.5 * zipSize + 150 * 1024 * 1024;
    console.log('');
    console.log(`fcw package  median ${ourMs.toFixed(0)} ms  size ${ourSize} (${mb(ourSize)})`);
    console.log(`zip -qr -6   median ${zipMs.toFixed(0)} ms  size ${zipSize} (${mb(zipSize)})`);
    console.log(`time ratio   ${(ourMs / zipMs).toFixed(2)}x (target ≤ 1.00x)`);
    console.log(`size ratio   ${(ourSize / zipSize).toFixed(4)} (target within 3%)`);
    if (rss.length) {
      const peak = Math.max(...rss);
      console.log(
        `fcw peak RSS ${mb(peak)} (max of runs; median ${mb(median(rss))}); budget 1.5 × zip + 150 MB = ${mb(rssBudget)}`,
      );
    }
    if (ourCpu.length && zipCpu.length) {
      console.log(
        `CPU time     fcw median ${median(ourCpu).toFixed(2)} s, zip median ${median(zipCpu).toFixed(2)} s (user + system, all threads)`,
      );
    }
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.availableParallelism()} CPUs (a shared machine makes wall times noisy)`,
    );
    console.log(`checksum     ${checksum} (same in every run)`);
  } finally {
    if (process.env.FCW_BENCH_KEEP === '1') console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main();
