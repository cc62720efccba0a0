// The published package lists no dependencies because dist/ needs none: everything is bundled.
// If a library ever has to be loaded from node_modules at run time (a native addon, a worker file,
// an `external` in scripts/bundle.mjs), this fails and the library must go back to `dependencies`.
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

// ws (inside Ink's devtools chunk, loaded only in Ink's DEV mode) require()s these in try/catch
// and runs without them.
const OPTIONAL_IN_DEVTOOLS = new Set(['bufferutil', 'utf-8-validate']);

describe('the bundle and package.json', () => {
  it('package.json has no runtime dependencies: the libraries are bundled into dist', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
  });

  it('dist imports nothing from outside itself but Node built-ins', async () => {
    const meta = JSON.parse(await readFile('dist/meta.json', 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const outside: string[] = [];
    for (const [file, output] of Object.entries(meta.outputs)) {
      for (const imp of output.imports) {
        if (!imp.external || builtins.has(imp.path)) continue;
        if (OPTIONAL_IN_DEVTOOLS.has(imp.path) && /\/devtools-[^/]+\.js$/.test(file)) continue;
        outside.push(`${file} -> ${imp.path}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
