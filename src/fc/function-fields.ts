// The function configuration fields fcw sets on a function: the wizard asks for them, a profile
// keeps them, and a request carrying them is not warned about as having unknown fields.
import type { FunctionConfig } from './types.js';

export const FCW_FUNCTION_FIELDS = [
  'functionName',
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
