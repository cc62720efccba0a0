// The configuration fields of FC 2.0 functions and services, in one place: the request validator
// warns about fields outside them, the sandbox stores exactly them, a profile keeps fcw's own.
import type { CreateServiceRequest, FunctionConfig } from './types.js';

/** The function settings fcw sets besides the name: the wizard asks for them and a profile keeps them. */
const FCW_FUNCTION_SETTINGS = [
  'runtime',
  'handler',
  'description',
  'memorySize',
  'timeout',
  'initializer',
  'initializationTimeout',
  'environmentVariables',
  'layers',
  'caPort',
  'customContainerConfig',
  'instanceType',
] as const satisfies readonly (keyof FunctionConfig)[];

export const FCW_FUNCTION_FIELDS = ['functionName', ...FCW_FUNCTION_SETTINGS] as const;

/** Every configuration field of a function besides its name and code: fcw's and those FC accepts beyond them. */
export const FUNCTION_CONFIG_FIELDS = [
  ...FCW_FUNCTION_SETTINGS,
  'instanceConcurrency',
  'instanceSoftConcurrency',
  'cpu',
  'diskSize',
  'gpuMemorySize',
  'customDNS',
  'customRuntimeConfig',
  'customHealthCheckConfig',
  'instanceLifecycleConfig',
] as const satisfies readonly (keyof FunctionConfig)[];

/** Every configuration field of a service besides its name. */
export const SERVICE_CONFIG_FIELDS = [
  'description',
  'role',
  'internetAccess',
  'logConfig',
  'vpcConfig',
  'nasConfig',
  'tracingConfig',
  'ossMountConfig',
] as const satisfies readonly (keyof CreateServiceRequest)[];
