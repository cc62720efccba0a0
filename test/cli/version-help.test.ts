import { describe, expect, it } from 'vitest';
import { runFcw } from '../helpers/run-fcw.js';

describe('fcw --version / --help (built bin)', () => {
  it('prints the version from package.json and exits 0', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    const r = await runFcw(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('prints help naming every command and the exit codes', async () => {
    const r = await runFcw(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['deploy', 'package', 'profiles', 'serve', '--profile', 'Exit codes'])
      expect(r.stdout).toContain(word);
  });

  it('rejects an unknown command with exit 2 and names the known ones', async () => {
    const r = await runFcw(['deplyo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "deplyo"');
    expect(r.stderr).toContain('deploy');
  });

  it('does not load Ink for --version and --help: the statically imported graph of dist/cli.js holds no Ink or React', async () => {
    const { readFile } = await import('node:fs/promises');
    const meta = JSON.parse(await readFile('dist/meta.json', 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
    };
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file) || !meta.outputs[file]) return;
      seen.add(file);
      for (const imp of meta.outputs[file].imports) if (imp.kind === 'import-statement') visit(imp.path);
    };
    visit('dist/cli.js');
    const inputs = [...seen].flatMap((f) => Object.keys(meta.outputs[f]?.inputs ?? {}));
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((i) => /node_modules\/(ink|react|ink-[a-z-]+)\//.test(i))).toEqual([]);
  });
});

describe('fcw argv conventions', () => {
  it('--version after a command still prints the version', async () => {
    const r = await runFcw(['deploy', '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('`fcw help deploy` prints the deploy help, not the main help', async () => {
    const r = await runFcw(['help', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fcw deploy --profile NAME');
    expect(r.stdout).toContain('--save-profile');
    expect(r.stdout).not.toContain('fcw profiles list|show');
  });

  it('an unknown flag to the bare wizard names `fcw`, not an internal command name', async () => {
    const r = await runFcw(['--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--frob');
    expect(r.stderr).toContain('`fcw --help`');
    expect(r.stderr).not.toContain('wizard');
  });
});
