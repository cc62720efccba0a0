// Parses the first word of argv, picks the wizard or a command, and maps the outcome to an exit
// code. Commands are imported lazily so `--version` and `--help` load nothing but this file.
import { EXIT, exitCodeOf } from './core/errors.js';
import { MAIN_HELP, VERSION } from './cli/help.js';
import type { Io } from './cli/io.js';
import { reportError } from './cli/report-error.js';
import { tolerateClosedOutput } from './cli/closed-output.js';

export type CommandRunner = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: CommandRunner }>> = {
  deploy: () => import('./commands/deploy.js'),
  invoke: () => import('./commands/invoke.js'),
  package: () => import('./commands/package.js'),
  profiles: () => import('./commands/profiles.js'),
  serve: () => import('./commands/serve.js'),
  wizard: () => import('./commands/wizard.js'),
};

export async function main(argv: string[], io: Io): Promise<number> {
  tolerateClosedOutput(io.stdout, io.stderr);
  const first = argv[0];
  // `--version` wins wherever it stands (`fcw deploy --version`), as users expect of any CLI;
  // arguments after `--` are values, not flags.
  const flags = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (first === '-v' || flags.includes('--version')) {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === 'help' && argv[1] && COMMANDS[argv[1]]) {
    // `fcw help deploy` is `fcw deploy --help`.
    return main([argv[1], '--help'], io);
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(MAIN_HELP);
    return EXIT.ok;
  }
  const isCommand = first !== undefined && !first.startsWith('-');
  const name = isCommand ? first : 'wizard';
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(
      `fcw: unknown command "${name}". Commands: ${Object.keys(COMMANDS)
        .filter((c) => c !== 'wizard')
        .join(', ')}.\nRun \`fcw --help\` for usage.\n`,
    );
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command.run(isCommand ? argv.slice(1) : argv, io);
  } catch (error) {
    reportError(error, io);
    return exitCodeOf(error);
  }
}
