// `--credentials SOURCE`: the user names where the key comes from, instead of fcw's search order.
// Pure: the text of the flag to a source, and a source back to the flag that names it.
import { UsageError } from '../core/errors.js';
import type { CredentialSourceRef } from '../profiles/schema.js';

export const CREDENTIAL_CHOICES = 'env, aliyun, aliyun:PROFILE, fcli or sandbox';

/** The source `--credentials TEXT` names, marked chosen (used alone, saved as the user's choice). */
export function parseCredentialChoice(text: string): CredentialSourceRef {
  const value = text.trim();
  if (value === 'env' || value === 'fcli' || value === 'sandbox') return { kind: value, chosen: true };
  if (value === 'aliyun') return { kind: 'aliyun-cli', chosen: true };
  if (value.startsWith('aliyun:')) {
    const profileName = value.slice('aliyun:'.length).trim();
    if (!profileName) {
      throw new UsageError(
        '--credentials aliyun: needs the aliyun CLI profile name after the colon.',
        'For example --credentials aliyun:default, or --credentials aliyun for its current profile.',
      );
    }
    return { kind: 'aliyun-cli', profileName, chosen: true };
  }
  throw new UsageError(
    `--credentials must be ${CREDENTIAL_CHOICES}, not "${value.slice(0, 40)}".`,
    'env: ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET; aliyun[:PROFILE]: ~/.aliyun/config.json; fcli: ~/.fcli/config.yaml; ' +
      'sandbox: the key file of fcw serve.',
  );
}

/** The flag that names a source, e.g. `--credentials aliyun:work`. */
export function credentialsFlag(source: { kind: string; profileName?: string }): string {
  if (source.kind === 'aliyun-cli') return `--credentials aliyun${source.profileName ? `:${source.profileName}` : ''}`;
  return `--credentials ${source.kind}`;
}
