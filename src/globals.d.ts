// Replaced at build time by esbuild (scripts/build.mjs) and by vitest's define.
declare const __FCW_VERSION__: string;
