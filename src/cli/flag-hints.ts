// The layers below the commands report what went wrong and which field it is about (ConfigError,
// InvalidFieldsError, an FC error code); on the command line, the hint also names the flag or the
// environment variable that sets it. The wizard words the same errors as steps instead.
import { ConfigError, InvalidFieldsError, type ConfigField } from '../core/errors.js';

/** Where this command line sets each connection setting a ConfigError from below names. */
const CONFIG_FLAGS: Record<ConfigField, string> = {
  endpoint: "Set it with --endpoint URL (or the profile's endpoint).",
  accountId: 'Set it with --account-id or ALIBABA_CLOUD_ACCOUNT_ID.',
  region: 'Set it with --region or ALIBABA_CLOUD_REGION_ID.',
  credentials:
    'Export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN ' +
    'for an STS key), or keep them in the aliyun CLI config.',
};

/** The flags that set each request field an InvalidFieldsError can name. */
const FIELD_FLAGS: Record<string, string> = {
  serviceName: '--service',
  functionName: '--function',
  runtime: '--runtime',
  handler: '--handler',
  code: '--code, or --oss-bucket and --oss-object',
  zipFile: '--code',
  ossBucketName: '--oss-bucket',
  ossObjectName: '--oss-object',
  customContainerConfig: '--image',
  memorySize: '--memory',
  timeout: '--timeout',
  initializer: '--initializer',
  initializationTimeout: '--init-timeout',
  description: '--description',
  environmentVariables: '--env',
  layers: '--layer',
  caPort: '--ca-port',
  instanceType: '--instance-type',
};

/** What to do on the command line about an FC error code, where a flag is the answer. */
export const CODE_FLAGS: Record<string, string> = {
  ServiceNotFound: 'To create it, add --create-service.',
  EntityTooLarge: 'Give the uploaded zip with --oss-bucket and --oss-object.',
};

/** The flags that set the fields of an InvalidFieldsError, once each: "(--memory, --timeout)". */
function fieldFlags(error: InvalidFieldsError): string | undefined {
  const flags = new Set(error.issues.map((i) => FIELD_FLAGS[i.field.split('.')[0] ?? '']).filter(Boolean));
  return flags.size > 0 ? `(${[...flags].join('; ')})` : undefined;
}

/**
 * The layers below name the field (ConfigError, InvalidFieldsError) or the FC error code; on the
 * command line, the hint also names the flag that sets it.
 */
export function withFlagHint(error: unknown): unknown {
  if (error instanceof InvalidFieldsError) {
    const flags = fieldFlags(error);
    if (!flags) return error;
    return new InvalidFieldsError(error.message, error.issues, error.hint ? `${error.hint} ${flags}` : flags);
  }
  if (!(error instanceof ConfigError)) return error;
  const where = CONFIG_FLAGS[error.field];
  return new ConfigError(error.field, error.message, error.hint ? `${error.hint} ${where}` : where);
}
