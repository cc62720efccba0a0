// The bin entry: runs main() and sets the exit code; nothing else: a module that renders at import
// time would crash under vitest (docs/terminal-notes.md, 6).
import { main } from './main.js';
import { processIo } from './cli/io.js';
import { EXIT } from './core/errors.js';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() maps every expected failure to a code; reaching here is a bug in fcw.
    process.stderr.write(
      `fcw: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.failed;
  },
);
