// From the wizard's state to what leaves it: the FunctionConfig and CreateFunction body, and the
// equivalent one-line `fcw deploy` command (shown without a TTY, and after a deploy).
import type { CreateFunctionRequest, FunctionCode, FunctionConfig } from '../fc/types.js';
import { getRuntime } from '../fc/rules.js';
import { CA_PORT_DEFAULT, INIT_TIMEOUT_DEFAULT_S, MEMORY_DEFAULT_MB, TIMEOUT_DEFAULT_S } from '../fc/limits.js';
import type { WizardState } from './state.js';

/**
 * A valid 22-byte empty zip, base64 (docs/fc-api-notes.md, "The empty zip"): stands in for the
 * package before it is built.
 */
export const EMPTY_ZIP_BASE64 = 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==';

/** The function's configuration as chosen; fields left at nothing are omitted. */
export function buildFunctionConfig(state: WizardState): FunctionConfig {
  const runtime = state.runtime ?? '';
  const info = getRuntime(runtime);
  const config: FunctionConfig = {
    functionName: state.functionName ?? '',
    runtime,
    handler: state.handler ?? '',
    memorySize: state.memorySize,
    timeout: state.timeout,
  };
  // e1 is what FC uses when none is sent: only another type is part of the request.
  if (state.instanceType && state.instanceType !== 'e1') config.instanceType = state.instanceType;
  if (state.description) config.description = state.description;
  if (state.initializer) {
    config.initializer = state.initializer;
    config.initializationTimeout = state.initializationTimeout;
  }
  if (Object.keys(state.environmentVariables).length) config.environmentVariables = { ...state.environmentVariables };
  if (state.layers.length) config.layers = [...state.layers];
  if (info?.isCustom && state.caPort !== undefined) config.caPort = state.caPort;
  if (state.code?.kind === 'image') {
    config.customContainerConfig = { image: state.code.image };
    if (state.code.command) config.customContainerConfig.command = state.code.command;
    if (state.code.args) config.customContainerConfig.args = state.code.args;
    if (state.code.accelerationType) config.customContainerConfig.accelerationType = state.code.accelerationType;
  }
  return config;
}

/** The CreateFunction body. `zipFile` is the base64 package when the code is a folder or zip. */
export function buildCreateRequest(state: WizardState, options: { zipFile?: string } = {}): CreateFunctionRequest {
  const request: CreateFunctionRequest = buildFunctionConfig(state);
  const code = codeOf(state, options.zipFile);
  if (code) request.code = code;
  return request;
}

function codeOf(state: WizardState, zipFile: string | undefined): FunctionCode | undefined {
  switch (state.code?.kind) {
    case 'oss':
      return { ossBucketName: state.code.bucket, ossObjectName: state.code.object };
    case 'folder':
    case 'zip':
      return zipFile === undefined ? undefined : { zipFile };
    default:
      return undefined;
  }
}

/** Quotes a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `fcw deploy` command that does what the wizard would: every chosen field as a flag, defaults
 * left out. With nothing chosen yet it shows placeholders (the no-TTY message).
 */
export function deployCommand(
  state: Partial<WizardState>,
  extra: { endpoint?: string; region?: string; accountId?: string } = {},
): string {
  const words: string[] = ['fcw', 'deploy'];
  const flag = (name: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return;
    words.push(`--${name}`, shellQuote(String(value)));
  };
  // The in-process sandbox gets a new port each run: `--target local` starts it again.
  if (state.target?.kind === 'sandbox' && !extra.endpoint) words.push('--target', 'local');
  const endpoint = extra.endpoint ?? (state.target?.kind === 'endpoint' ? state.target.endpoint : undefined);
  flag('endpoint', endpoint);
  flag('region', extra.region ?? state.target?.region);
  flag('account-id', extra.accountId ?? (state.target?.kind === 'cloud' ? state.target.accountId : undefined));
  words.push('--service', state.service ? shellQuote(state.service.name) : 'SERVICE');
  if (state.service?.isNew || state.service?.createIfMissing) words.push('--create-service');
  words.push('--function', state.functionName ? shellQuote(state.functionName) : 'FUNCTION');
  words.push('--runtime', state.runtime ? shellQuote(state.runtime) : 'RUNTIME');
  words.push('--handler', state.handler ? shellQuote(state.handler) : 'HANDLER');
  const code = state.code;
  if (!code) words.push('--code', 'DIR');
  else if (code.kind === 'folder' || code.kind === 'zip') flag('code', code.path);
  else if (code.kind === 'oss') {
    flag('oss-bucket', code.bucket);
    flag('oss-object', code.object);
  } else {
    flag('image', code.image);
    flag('command', code.command);
    flag('args', code.args);
    flag('acceleration', code.accelerationType);
  }
  if (state.memorySize !== undefined && state.memorySize !== MEMORY_DEFAULT_MB) flag('memory', state.memorySize);
  if (state.timeout !== undefined && state.timeout !== TIMEOUT_DEFAULT_S) flag('timeout', state.timeout);
  if (state.instanceType && state.instanceType !== 'e1') flag('instance-type', state.instanceType);
  if (state.initializer) {
    flag('initializer', state.initializer);
    if (state.initializationTimeout !== undefined && state.initializationTimeout !== INIT_TIMEOUT_DEFAULT_S)
      flag('init-timeout', state.initializationTimeout);
  }
  flag('description', state.description);
  for (const [k, v] of Object.entries(state.environmentVariables ?? {})) flag('env', `${k}=${v}`);
  for (const layer of state.layers ?? []) flag('layer', layer);
  if (state.caPort !== undefined && state.caPort !== CA_PORT_DEFAULT) flag('ca-port', state.caPort);
  return words.join(' ');
}
