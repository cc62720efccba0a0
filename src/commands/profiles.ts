// `fcw profiles list | show NAME | rm NAME [--json]`: the saved profiles. Plain text, no Ink.
import { EXIT, UsageError, exitCodeOf } from '../core/errors.js';
import { globalFlags, parseCommandArgs } from '../cli/global-options.js';
import type { Io } from '../cli/io.js';
import { credentialsFlag } from '../deploy/credential-choice.js';
import { profileNameProblem, type Profile } from '../profiles/schema.js';
import { ProfileStore } from '../profiles/store.js';

export const PROFILES_HELP = `Usage
  fcw profiles list [--json]        the saved profiles, with their last deploy
  fcw profiles show NAME [--json]   one profile in full (it holds no secret)
  fcw profiles rm NAME [--json]     delete a profile

With --json, stdout holds one JSON object, also on an error ({"error": {message, hint, exitCode}}).

Profiles live in config.json under FCW_CONFIG_DIR (default: the OS config directory).
Save one with \`fcw deploy ... --save-profile NAME\` or at the end of the wizard; redeploy with
\`fcw deploy --profile NAME\`.
`;

function targetText(p: Profile): string {
  const t = p.target;
  if (t.kind === 'local') return 'local sandbox';
  if (t.kind === 'endpoint') return `${t.endpoint}${t.accountId ? ` (account ${t.accountId})` : ''}`;
  return `cloud ${t.region ?? '(region from env)'}${t.accountId ? ` account ${t.accountId}` : ''}`;
}

function lastText(p: Profile): string {
  const d = p.lastDeploy;
  if (!d) return 'never deployed';
  return `${d.status} ${d.time}${d.error ? `: ${d.error.split('\n')[0]}` : ''}`;
}

function codeText(p: Profile): string {
  const c = p.code;
  switch (c.kind) {
    case 'folder':
    case 'zip':
      return `${c.kind} ${c.path}`;
    case 'oss':
      return `oss://${c.bucket}/${c.object}`;
    default:
      return `image ${p.function.customContainerConfig?.image ?? '?'}`;
  }
}

/** Where the profile's key comes from: chosen (as the flag that chose it), or found last time. */
function credentialText(source: Profile['target']['credentialSource']): string {
  if (!source) return '';
  if (source.chosen) return `; credentials chosen with ${credentialsFlag(source)}`;
  const profile = source.kind === 'aliyun-cli' && source.profileName ? ` profile ${source.profileName}` : '';
  return `; credentials from ${source.kind}${profile}`;
}

function showText(p: Profile, path: string): string {
  const f = p.function;
  const lines = [
    `profile ${p.name}   (${path})`,
    `  target        ${targetText(p)}${credentialText(p.target.credentialSource)}`,
    `  service       ${p.service.name}${p.service.create ? ' (created if missing)' : ''}`,
    `  function      ${f.functionName}: ${f.runtime}, handler ${f.handler}`,
    `  memory        ${f.memorySize !== undefined ? `${f.memorySize} MB` : 'the service default'}, timeout ${f.timeout !== undefined ? `${f.timeout} s` : 'the service default'}`,
  ];
  if (f.initializer)
    lines.push(
      `  initializer   ${f.initializer}${f.initializationTimeout !== undefined ? ` (timeout ${f.initializationTimeout} s)` : ''}`,
    );
  if (f.description) lines.push(`  description   ${f.description}`);
  if (f.environmentVariables && Object.keys(f.environmentVariables).length)
    lines.push(`  env           ${Object.keys(f.environmentVariables).join(', ')}`);
  if (f.layers?.length) lines.push(`  layers        ${f.layers.join(', ')}`);
  if (f.caPort !== undefined) lines.push(`  caPort        ${f.caPort}`);
  lines.push(`  code          ${codeText(p)}`);
  lines.push(`  last deploy   ${lastText(p)}`);
  if (p.lastDeploy?.functionId)
    lines.push(
      `                functionId ${p.lastDeploy.functionId}, codeChecksum ${p.lastDeploy.codeChecksum ?? '-'}`,
    );
  lines.push(`  redeploy      fcw deploy --profile ${p.name}`);
  return `${lines.join('\n')}\n`;
}

export async function run(args: string[], io: Io): Promise<number> {
  try {
    return await runProfiles(args, io);
  } catch (error) {
    // --json promises one object on stdout, so a script piping to a JSON parser sees the error too.
    if (args.includes('--json')) {
      const e = error as { message?: string; hint?: string };
      io.stdout.write(
        `${JSON.stringify({ error: { message: e?.message ?? String(error), ...(e?.hint ? { hint: e.hint } : {}), exitCode: exitCodeOf(error) } })}\n`,
      );
    }
    throw error;
  }
}

async function runProfiles(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs('profiles', args, {});
  const flags = globalFlags(values);
  const [sub, name, ...extra] = positionals;
  if (flags.help || sub === 'help') {
    io.stdout.write(PROFILES_HELP);
    return EXIT.ok;
  }
  // Like \`fcw package\` without DIR: bad usage is exit 2 with the usage on stderr (main prints it).
  if (sub === undefined) {
    throw new UsageError(
      '`fcw profiles` needs a subcommand: list, show NAME or rm NAME.',
      'Usage: fcw profiles list | show NAME | rm NAME [--json]; `fcw profiles --help` says more.',
    );
  }
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`, 'Run `fcw profiles --help`.');
  const store = new ProfileStore({ env: io.env, stderr: io.stderr });
  switch (sub) {
    case 'list':
    case 'ls': {
      if (name !== undefined) throw new UsageError('`fcw profiles list` takes no name.');
      const profiles = store.list();
      const malformed = store.malformed();
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ path: store.path, profiles, malformed })}\n`);
        return EXIT.ok;
      }
      if (profiles.length === 0 && malformed.length === 0) {
        io.stdout.write(
          `No saved profiles (in ${store.path}). Save one with \`fcw deploy ... --save-profile NAME\` or the wizard.\n`,
        );
        return EXIT.ok;
      }
      const width = Math.max(4, ...profiles.map((p) => p.name.length));
      for (const p of profiles) {
        io.stdout.write(
          `${p.name.padEnd(width)}  ${p.service.name}/${p.function.functionName}  ${p.function.runtime}  ${targetText(p)}  ${lastText(p)}\n`,
        );
      }
      for (const m of malformed) io.stdout.write(`${m.name.padEnd(width)}  (malformed: ${m.problems.join('; ')})\n`);
      return EXIT.ok;
    }
    case 'show': {
      if (name === undefined)
        throw new UsageError(
          '`fcw profiles show` needs a NAME.',
          `Known profiles: ${store.names().join(', ') || '(none)'}.`,
        );
      // A stored profile that is malformed (edited by hand, a dotted name from an older fcw) is
      // shown as it is stored, with what is wrong and how to get rid of it: \`list\` names it, so
      // \`show\` must not answer "invalid name".
      const broken = store.malformed().find((m) => m.name === name);
      if (broken) {
        if (!flags.json)
          io.stdout.write(
            `profile ${name}   (${store.path}), as stored:\n${JSON.stringify(store.stored(name), null, 2)}\n`,
          );
        const fixed = name.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[-_]+/, '') || 'web';
        const nameBad = profileNameProblem(name) !== undefined;
        throw new UsageError(
          `Profile "${name}" in ${store.path} is malformed: ${broken.problems.join('; ')}.`,
          nameBad
            ? `fcw cannot use or save a profile under this name: remove it with \`fcw profiles rm ${name}\`, and save it again under a valid one (\`fcw deploy ... --save-profile ${fixed}\`).`
            : `Fix it in that file by hand, save it again (\`fcw deploy ... --save-profile ${name}\`), or remove it with \`fcw profiles rm ${name}\`.`,
        );
      }
      const profile = store.require(name);
      io.stdout.write(flags.json ? `${JSON.stringify(profile)}\n` : showText(profile, store.path));
      return EXIT.ok;
    }
    case 'rm':
    case 'remove':
    case 'delete': {
      if (name === undefined)
        throw new UsageError(
          '`fcw profiles rm` needs a NAME.',
          `Known profiles: ${store.names().join(', ') || '(none)'}.`,
        );
      if (!store.names().includes(name)) store.require(name); // throws, listing the known ones
      store.remove(name);
      if (flags.json) io.stdout.write(`${JSON.stringify({ removed: name })}\n`);
      else io.stdout.write(`Removed profile "${name}".\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(
        `Unknown subcommand "${sub}".`,
        'Use `fcw profiles list`, `fcw profiles show NAME` or `fcw profiles rm NAME`.',
      );
  }
}
