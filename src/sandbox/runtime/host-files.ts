// Where the runtime host scripts are: next to this module when running from source (tests), in
// dist/runtime-hosts/ once bundled (the build copies them there; chunks live in dist/ or dist/chunks/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type HostScript = 'node-host.cjs' | 'python-host.py';

const CANDIDATES = ['./hosts/', './runtime-hosts/', '../runtime-hosts/'];

export function hostScriptPath(name: HostScript): string {
  for (const dir of CANDIDATES) {
    const file = fileURLToPath(new URL(`${dir}${name}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(
    `the sandbox's runtime host ${name} is missing from this installation ` +
      `(looked next to ${fileURLToPath(import.meta.url)})`,
  );
}
