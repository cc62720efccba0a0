// The code step's services: scan a folder, build or read the package, fingerprint the code, check
// a handler against the package, write a runtime's sample.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { CheckablePackage, PackageOnDisk, PackageProgress, PackageResult } from '../../package/index.js';
import { sampleDirCandidates, sampleFiles, sampleUnavailableReason } from '../../wizard/samples.js';
import type { BuiltPackage, WizardServices } from '../services.js';
import type { RealContext } from './context.js';
import { load } from './lazy.js';

type PackagingServices = Pick<
  WizardServices,
  'scanFolder' | 'buildPackage' | 'codeFingerprint' | 'checkHandler' | 'writeSample' | 'freeSampleDir'
>;

export function packagingServices({ env, resolve }: RealContext): PackagingServices {
  return {
    async scanFolder(folder, runtime) {
      const { scanFolder } = await load.packager();
      const scan = await scanFolder(resolve(folder), runtime);
      return {
        files: scan.files,
        bytes: scan.bytes,
        largest: scan.largest,
        verdict: { level: scan.verdict.status, text: scan.verdict.message },
      };
    },

    async buildPackage(code, runtime, { signal, onProgress } = {}): Promise<BuiltPackage> {
      const { buildPackageOnDisk, loadZipPackage, packageCacheFor, tempZipDirFor } = await load.packager();
      // The same package cache as fcw deploy: an unchanged tree's Review is answered from stat.
      const cache = packageCacheFor(env, false);
      const result: PackageOnDisk | PackageResult =
        code.kind === 'folder'
          ? await buildPackageOnDisk(
              {
                root: resolve(code.path),
                runtime,
                signal,
                cache,
                onProgress: (p: PackageProgress) => onProgress?.({ files: p.files, bytes: p.bytes }),
              },
              tempZipDirFor(env),
            )
          : await loadZipPackage(resolve(code.path));
      return {
        facts: { files: result.files, bytes: result.bytes, zipBytes: result.zipBytes, checksum: result.checksum },
        verdict: { level: result.verdict.status, text: result.verdict.message },
        handle: result,
      };
    },

    async codeFingerprint(code, runtime) {
      const { fileFingerprint, folderFingerprint } = await load.packager();
      return code.kind === 'folder'
        ? folderFingerprint(resolve(code.path), runtime)
        : fileFingerprint(resolve(code.path));
    },

    async checkHandler(pkg, runtime, handler, field = 'handler') {
      const { checkHandler } = await load.packager();
      return checkHandler(pkg.handle as CheckablePackage, runtime, handler, field);
    },

    writeSample: (runtime, dir) => writeSample(runtime, dir, resolve(dir)),

    async freeSampleDir(runtime) {
      const names = sampleDirCandidates(runtime, 100);
      for (const name of names) if (await isFreeFolder(resolve(name))) return name;
      return names[0] as string;
    },
  };
}

/** Whether a sample can go into `target`: it does not exist, or it is an empty folder. */
async function isFreeFolder(target: string): Promise<boolean> {
  try {
    return (await fs.readdir(target)).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Writes the runtime's sample into `target`, which must not exist yet or be empty. */
async function writeSample(runtime: string, dir: string, target: string): Promise<{ dir: string; files: string[] }> {
  const files = sampleFiles(runtime);
  if (!files) throw new UsageError(`No sample for ${runtime}: ${sampleUnavailableReason(runtime)}.`);
  const existing = await fs.readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (existing.length > 0) {
    throw new UsageError(
      `${target} already exists and is not empty: the sample goes into a new folder.`,
      'Give another folder name.',
    );
  }
  await fs.mkdir(target, { recursive: true });
  for (const file of files) {
    await fs.writeFile(path.join(target, file.path), file.content, { mode: file.mode ?? 0o644 });
    // The umask may have taken bits off; a custom runtime's bootstrap must be executable.
    if (file.mode) await fs.chmod(path.join(target, file.path), file.mode);
  }
  return { dir, files: files.map((f) => f.path) };
}
