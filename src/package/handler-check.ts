// Does the handler (or initializer) name something that is in the package? Checked per runtime
// against the package's entries, before anything is sent, so a mismatch is found here and not when
// the function is first invoked. ok: found; warning: the package cannot tell (an export we do not
// recognise, a class whose method we cannot see); error: what is missing, and where the package root is.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { isZipOnDisk, type ZipOnDisk } from '../core/zip-on-disk.js';
import path from 'node:path';
import type JSZip from 'jszip';
import { getRuntime, type RuntimeInfo } from '../fc/rules.js';
import { validateHandler } from '../fc/validate.js';
import { openZip } from './load-zip.js';
import { readEntryData, readZipIndex } from './zip-index.js';
import { S_IFLNK, S_IFMT } from './select.js';
import type { HandlerCheck, PackageEntry, PackageResult } from './types.js';

/** What the check needs from a package: its entries, and its zip or the folder it came from. */
export type CheckablePackage = Pick<PackageResult, 'entries' | 'source'> & {
  zip?: Buffer | ZipOnDisk;
  root?: string;
  /**
   * The folder is known to hold exactly what the zip holds (the package cache matched every stat
   * key), so entries are read there and a zip held lazily is not loaded for the check.
   */
  folderMatchesZip?: boolean;
};

type Field = 'handler' | 'initializer';

const ok = (message: string): HandlerCheck => ({ status: 'ok', message });
const warning = (message: string): HandlerCheck => ({ status: 'warning', message });
const error = (message: string): HandlerCheck => ({ status: 'error', message });

/**
 * Ends a message with a full stop unless it already ends a sentence: a hint such as "did you mean
 * main.process?" or an error's own text may close the message, and "?." or ".." reads as a typo.
 */
export function asSentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads entries' bytes from the zip when there is one (what is shipped), else from the folder. */
class PackageReader {
  private readonly byPath: Map<string, PackageEntry>;
  private archive: Promise<JSZip> | undefined;

  constructor(readonly pkg: CheckablePackage) {
    this.byPath = new Map(pkg.entries.map((e) => [e.path, e]));
  }

  get rootLabel(): string {
    if (this.pkg.source === 'zip') return `the root of ${this.pkg.root ?? 'the zip'}`;
    return this.pkg.root ?? 'the package folder';
  }

  /** The entry at `p`, following symlinks that stay inside the package. */
  entry(p: string): PackageEntry | undefined {
    let current = this.byPath.get(p);
    for (let hops = 0; current && current.kind === 'symlink' && current.target !== undefined && hops < 16; hops++) {
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(current.path), current.target));
      current = this.byPath.get(next);
    }
    return current;
  }

  has(p: string): boolean {
    const e = this.entry(p);
    return e !== undefined && e.kind === 'file';
  }

  async bytes(p: string): Promise<Buffer> {
    const e = this.entry(p);
    if (!e) throw new Error(`no entry ${p}`);
    const zip = this.pkg.zip;
    if (!(this.pkg.folderMatchesZip && this.pkg.root !== undefined) && isZipOnDisk(zip))
      return entryFromFile(zip, e.path);
    if (!(this.pkg.folderMatchesZip && this.pkg.root !== undefined) && zip && !isZipOnDisk(zip) && zip.length > 0) {
      this.archive ??= openZip(zip, this.pkg.root ?? 'the package');
      const file = (await this.archive).file(e.path);
      if (!file) throw new Error(`no entry ${e.path} in the zip`);
      return file.async('nodebuffer');
    }
    if (this.pkg.root === undefined) throw new Error('the package has neither a zip nor a folder');
    return readFileSync(path.join(this.pkg.root, e.path));
  }

  async text(p: string): Promise<string> {
    return (await this.bytes(p)).toString('utf8');
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }
}

/**
 * One entry's bytes from a zip fcw wrote to a file: its central directory is read, then only that
 * entry (a handler check must not load a 100 MB zip to read one source file).
 */
function entryFromFile(zip: ZipOnDisk, name: string): Buffer {
  const fd = openSync(zip.path, 'r');
  try {
    const entry = readZipIndex(fd, zip.size).find((e) => e.name === name);
    if (!entry) throw new Error(`no entry ${name} in the zip`);
    const data = readEntryData(fd, entry);
    return entry.method === 8 ? inflateRawSync(data) : data;
  } finally {
    closeSync(fd);
  }
}

/** `dir/file.function` → file `dir/file`, function `function` (the last dot splits). */
function splitFileFunction(handler: string): { file: string; fn: string } {
  const dot = handler.lastIndexOf('.');
  return { file: handler.slice(0, dot), fn: handler.slice(dot + 1) };
}

/** Entries elsewhere in the package with the same file name, to suggest the right handler. */
function elsewhere(reader: PackageReader, fileName: string): string[] {
  return reader
    .paths()
    .filter((p) => path.posix.basename(p) === fileName)
    .slice(0, 3);
}

function missingFile(
  reader: PackageReader,
  field: Field,
  value: string,
  wanted: string[],
  suggest: (found: string) => string,
): HandlerCheck {
  const names = wanted.map((w) => `\`${w}\``).join(' or ');
  const found = wanted.flatMap((w) => elsewhere(reader, path.posix.basename(w)));
  const hint = found.length ? ` Found ${found.join(', ')}: did you mean ${field} \`${suggest(found[0]!)}\`?` : '';
  return error(
    `${field} \`${value}\` needs ${names} in the package, relative to ${reader.rootLabel}; it is not there.${hint}`,
  );
}

async function checkPython(reader: PackageReader, field: Field, value: string): Promise<HandlerCheck> {
  const { file, fn } = splitFileFunction(value);
  const candidates = [`${file}.py`, `${file.replace(/\./g, '/')}.py`, `${file}/__init__.py`];
  const found = candidates.find((c) => reader.has(c));
  if (!found) return missingFile(reader, field, value, [`${file}.py`], (p) => `${p.replace(/\.py$/, '')}.${fn}`);
  const source = await reader.text(found);
  const name = escapeRegExp(fn);
  if (new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(source)) return ok(`${found} defines ${fn}().`);
  if (
    new RegExp(`^${name}\\s*=`, 'm').test(source) ||
    new RegExp(`^from\\s+\\S+\\s+import\\s+[^\\n]*\\b${name}\\b`, 'm').test(source) ||
    new RegExp(`^import\\s+[^\\n]*\\bas\\s+${name}\\b`, 'm').test(source)
  ) {
    return warning(
      `${found} binds ${fn} by assignment or import, not \`def ${fn}(\`: cannot tell whether it is callable.`,
    );
  }
  const defined = [...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm)]
    .map((m) => m[1] ?? '')
    .filter((n) => n && !n.startsWith('_'));
  const hint = exportedHint(splitFileFunction(value).file, defined).replace('; it exports', '; it defines');
  return error(
    asSentence(
      `${found} has no top-level \`def ${fn}(event, context):\`, which ${field} \`${value}\` names (package root: ${reader.rootLabel})${hint}`,
    ),
  );
}

function nodeExportPatterns(fn: string): RegExp[] {
  const n = escapeRegExp(fn);
  return [
    new RegExp(`\\bexports\\.${n}\\s*=`), // exports.handler = / module.exports.handler =
    new RegExp(`\\bexports\\[\\s*['"\`]${n}['"\`]\\s*\\]\\s*=`),
    new RegExp(`\\bmodule\\.exports\\s*=\\s*\\{[^}]*\\b${n}\\b`, 's'), // module.exports = { handler }
    new RegExp(`\\bexport\\s+(?:async\\s+)?function\\s*\\*?\\s*${n}\\b`),
    new RegExp(`\\bexport\\s+(?:const|let|var)\\s+${n}\\b`),
    new RegExp(`\\bexport\\s*\\{[^}]*\\b${n}\\b[^}]*\\}`), // export { handler } / export { main as handler }
    new RegExp(`defineProperty\\(\\s*(?:module\\.)?exports\\s*,\\s*['"]${n}['"]`), // TypeScript's CommonJS output
    new RegExp(`__export\\([^)]*\\{[^}]*\\b${n}\\s*:`, 's'), // esbuild's CommonJS bundles
  ];
}

/** The names a Node file exports, as far as these patterns tell, in order of appearance. */
export function nodeExportedNames(source: string): string[] {
  const names: string[] = [];
  const add = (n: string | undefined) => n && n !== 'default' && !names.includes(n) && names.push(n);
  for (const m of source.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=/g)) add(m[1]);
  for (const m of source.matchAll(/\bexport\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) add(m[1]);
  for (const m of source.matchAll(/\bexport\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)) add(m[1]);
  for (const m of source.matchAll(/\b(?:module\.exports\s*=|export)\s*\{([^}]*)\}/g)) {
    // `{ a, b: c, d as e }`: the exported name is the last word of each entry.
    for (const part of (m[1] ?? '').split(','))
      add(/([A-Za-z_$][\w$]*)\s*$/.exec(part.trim().replace(/\s*:.*$/, ''))?.[1]);
  }
  return names;
}

/** "; it exports process, init: did you mean main.process?" when the file exports something else. */
function exportedHint(file: string, names: string[]): string {
  if (names.length === 0) return '';
  return `; it exports ${names.slice(0, 5).join(', ')}: did you mean ${file}.${names[0]}?`;
}

async function checkNode(reader: PackageReader, field: Field, value: string): Promise<HandlerCheck> {
  const { file, fn } = splitFileFunction(value);
  const candidates = [`${file}.js`, `${file}.mjs`, `${file}.cjs`];
  const found = candidates.find((c) => reader.has(c));
  if (!found) return missingFile(reader, field, value, candidates, (p) => `${p.replace(/\.[cm]?js$/, '')}.${fn}`);
  const source = await reader.text(found);
  if (nodeExportPatterns(fn).some((re) => re.test(source))) return ok(`${found} exports ${fn}.`);
  const exported = nodeExportedNames(source).filter((n) => n !== fn);
  return warning(
    asSentence(
      `${found} is there, but no export named ${fn} was recognised (looked for exports.${fn} =, module.exports = { ${fn} }, export const/function ${fn}, export { ${fn} })${exportedHint(file, exported)}`,
    ),
  );
}

async function checkPhp(reader: PackageReader, field: Field, value: string): Promise<HandlerCheck> {
  const { file, fn } = splitFileFunction(value);
  const wanted = `${file}.php`;
  if (!reader.has(wanted))
    return missingFile(reader, field, value, [wanted], (p) => `${p.replace(/\.php$/, '')}.${fn}`);
  const source = await reader.text(wanted);
  // PHP function names are case-insensitive.
  if (new RegExp(`\\bfunction\\s+&?\\s*${escapeRegExp(fn)}\\s*\\(`, 'i').test(source))
    return ok(`${wanted} defines function ${fn}().`);
  return error(
    `${wanted} defines no \`function ${fn}(\`, which ${field} \`${value}\` names (package root: ${reader.rootLabel}).`,
  );
}

async function checkJava(reader: PackageReader, field: Field, value: string): Promise<HandlerCheck> {
  const [className, method] = value.split('::') as [string, string];
  const classPath = `${className.replace(/\./g, '/')}.class`;
  const methodBytes = Buffer.from(method, 'utf8');
  const hasMethod = (bytes: Buffer) => bytes.includes(methodBytes); // the name sits in the class's constant pool
  if (reader.has(classPath)) {
    return hasMethod(await reader.bytes(classPath))
      ? ok(`${classPath} is in the package.`)
      : warning(`${classPath} is in the package but does not mention ${method}; it may be inherited.`);
  }
  const jars = reader.paths().filter((p) => p.endsWith('.jar') && reader.has(p));
  const unreadable: string[] = [];
  for (const jar of jars) {
    let archive: JSZip;
    try {
      archive = await openZip(await reader.bytes(jar), jar);
    } catch {
      unreadable.push(jar);
      continue;
    }
    const cls = archive.file(classPath);
    if (!cls) continue;
    const bytes = await cls.async('nodebuffer');
    const inLib = jar.startsWith('lib/') && !jar.slice(4).includes('/');
    if (!inLib) {
      return warning(`${classPath} is in ${jar}; FC loads jars from lib/, so check that ${jar} is on the classpath.`);
    }
    return hasMethod(bytes)
      ? ok(`${classPath} is in ${jar}.`)
      : warning(`${classPath} is in ${jar} but does not mention ${method}; it may be inherited.`);
  }
  if (unreadable.length) {
    return warning(`${classPath} was not found, and ${unreadable.join(', ')} could not be opened: cannot tell.`);
  }
  const looked = jars.length
    ? ` or in ${jars.length} jar${jars.length > 1 ? 's' : ''} (${jars.slice(0, 3).join(', ')})`
    : '';
  return error(
    `${field} \`${value}\` needs class ${classPath} at ${reader.rootLabel}${looked}; it is not there. Package the compiled classes or the jar, not the sources.`,
  );
}

function executableProblem(entry: PackageEntry, what: string, reader: PackageReader): HandlerCheck | undefined {
  if ((entry.mode & S_IFMT) === S_IFLNK) return undefined;
  if (entry.mode === 0)
    return warning(
      `${what} is there, but the zip records no Unix permissions, so whether it is executable cannot be told.`,
    );
  if ((entry.mode & 0o111) === 0) {
    return error(
      `${what} is not executable (mode ${(entry.mode & 0o777).toString(8)}); FC cannot start it. Run \`chmod +x ${entry.path}\` in ${reader.rootLabel} and package again.`,
    );
  }
  return undefined;
}

function checkGo(reader: PackageReader, field: Field, value: string): HandlerCheck {
  const entry = reader.entry(value);
  if (!entry || entry.kind !== 'file') {
    return missingFile(reader, field, value, [value], (p) => p);
  }
  return executableProblem(entry, value, reader) ?? ok(`${value} is in the package and executable.`);
}

function checkCustom(reader: PackageReader, field: Field): HandlerCheck {
  const entry = reader.entry('bootstrap');
  if (!entry || entry.kind !== 'file') {
    return error(
      `A custom runtime starts \`bootstrap\` at the package root (${reader.rootLabel}); there is none. Add an executable bootstrap script that starts your server (listening on 0.0.0.0 and the caPort).`,
    );
  }
  const problem = executableProblem(entry, 'bootstrap', reader);
  if (problem) return problem;
  return ok(`bootstrap is there and executable; FC passes the ${field} to your server as it is.`);
}

function checkDotnet(reader: PackageReader, field: Field, value: string): HandlerCheck {
  const assembly = value.split('::')[0]!;
  const wanted = `${assembly}.dll`;
  if (reader.has(wanted)) return ok(`${wanted} is in the package.`);
  return missingFile(
    reader,
    field,
    value,
    [wanted],
    (p) => `${p.replace(/\.dll$/, '')}::${value.split('::').slice(1).join('::')}`,
  );
}

async function checkByLanguage(
  info: RuntimeInfo,
  reader: PackageReader,
  field: Field,
  value: string,
): Promise<HandlerCheck> {
  switch (info.language) {
    case 'python':
      return checkPython(reader, field, value);
    case 'nodejs':
      return checkNode(reader, field, value);
    case 'php':
      return checkPhp(reader, field, value);
    case 'java':
      return checkJava(reader, field, value);
    case 'go':
      return checkGo(reader, field, value);
    case 'dotnet':
      return checkDotnet(reader, field, value);
    case 'custom':
      return checkCustom(reader, field);
    case 'container':
      return ok(`${info.id} runs an image; there is no code package to check the ${field} against.`);
  }
}

export async function checkHandler(
  pkg: CheckablePackage,
  runtime: string,
  handler: string,
  field: Field = 'handler',
): Promise<HandlerCheck> {
  const info = getRuntime(runtime);
  if (!info) return error(`Unknown runtime \`${runtime}\`: cannot check the ${field}.`);
  const formatIssue = validateHandler(runtime, handler, field);
  if (formatIssue && formatIssue.severity === 'error') return error(formatIssue.message);
  try {
    return await checkByLanguage(info, new PackageReader(pkg), field, handler);
  } catch (e) {
    return warning(asSentence(`Could not check the ${field} against the package: ${(e as Error).message}`));
  }
}
