// Byte counts for people and for the wire, the same in every layer: the CLI, the wizard, the
// validators and the deploy report all print sizes with formatBytes.

/** `512 B`, `1.5 KB`, `12.3 MB`: powers of 1024, one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes of `bytes` once base64-encoded with padding, as a zip travels in a JSON body. */
export function base64Size(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}
