import { defineConfig } from 'vitest/config';

import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // ink reads CI when first imported (docs/terminal-notes.md, 2): set it here, not in a setup file.
    env: { CI: 'false', FORCE_COLOR: '0', NO_COLOR: '' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: `${root}/test-results.json` }]],
  },
  define: { __FCW_VERSION__: JSON.stringify(process.env.npm_package_version ?? '0.0.0-test') },
});
