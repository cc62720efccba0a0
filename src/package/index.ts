// The packager's public surface (common.md): build a package from a folder, load an existing zip,
// scan a folder for the wizard, check a handler against a package, judge a size.
export {
  buildPackage,
  buildPackageOnDisk,
  packageFolder,
  scanFolder,
  type BuildInternals,
  type PackageOnDisk,
  type PackageSummary,
} from './build.js';
export { tempZipDirFor } from './temp-zip.js';
export { packageCacheFor, PackageCache } from './cache.js';
export { checkHandler, type CheckablePackage } from './handler-check.js';
export { fileFingerprint, folderFingerprint } from './fingerprint.js';
export { loadZipPackage } from './load-zip.js';
export { sizeVerdict } from './size.js';
export type {
  BuildPackageOptions,
  CacheUse,
  HandlerCheck,
  LargestEntry,
  PackageEntry,
  PackageProgress,
  PackageResult,
  ScanResult,
  SizeVerdict,
} from './types.js';
