// The FC 2.0 API's data shapes (API version 2016-08-15), as CreateFunction and its neighbours send
// and answer them (docs/fc-api-notes.md). Types only: no logic.

/** An AccessKey pair, with an STS token when the key id starts with `STS.`. Never persisted. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export type AccelerationType = 'Default' | 'None';

export interface CustomContainerConfig {
  image: string;
  /** A JSON array held in a string, e.g. '["/code/myserver"]'. */
  command?: string;
  /** A JSON array held in a string. */
  args?: string;
  accelerationType?: AccelerationType;
}

/** Exactly one source: a base64 zip, or an OSS bucket and object. Absent for custom-container. */
export interface FunctionCode {
  zipFile?: string;
  ossBucketName?: string;
  ossObjectName?: string;
}

/** The function's configuration: every CreateFunction body field but `code`. */
export interface FunctionConfig {
  functionName: string;
  runtime: string;
  handler: string;
  description?: string;
  memorySize?: number;
  timeout?: number;
  initializer?: string;
  initializationTimeout?: number;
  environmentVariables?: Record<string, string>;
  layers?: string[];
  caPort?: number;
  customContainerConfig?: CustomContainerConfig;
  /** `e1` elastic (default) or `c1` performance; decides the memory and timeout ranges. */
  instanceType?: string;
  /** FC 2.0 fields fcw does not set itself but other tools do; stored and answered as given. */
  instanceConcurrency?: number;
  instanceSoftConcurrency?: number;
  cpu?: number;
  diskSize?: number;
  gpuMemorySize?: number;
  customDNS?: Record<string, unknown>;
  customRuntimeConfig?: Record<string, unknown>;
  customHealthCheckConfig?: Record<string, unknown>;
  instanceLifecycleConfig?: Record<string, unknown>;
}

/** The body of CreateFunction. */
export interface CreateFunctionRequest extends FunctionConfig {
  code?: FunctionCode;
}

/** The body of UpdateFunction: any subset of the create fields but functionName. */
export type UpdateFunctionRequest = Partial<Omit<CreateFunctionRequest, 'functionName'>>;

/** What CreateFunction, GetFunction and UpdateFunction answer. */
export interface FunctionInfo extends FunctionConfig {
  functionId: string;
  /** FC answers these with every function; a sandbox function is always ready. */
  state?: string;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  codeChecksum?: string;
  codeSize?: number;
  createdTime: string;
  lastModifiedTime: string;
}

export interface CreateServiceRequest {
  serviceName: string;
  description?: string;
  role?: string;
  internetAccess?: boolean;
  logConfig?: Record<string, unknown>;
  vpcConfig?: Record<string, unknown>;
  nasConfig?: Record<string, unknown>;
  tracingConfig?: Record<string, unknown>;
  ossMountConfig?: Record<string, unknown>;
}

export interface ServiceInfo extends CreateServiceRequest {
  serviceId: string;
  createdTime: string;
  lastModifiedTime: string;
}

/** Paging parameters of ListServices and ListFunctions. */
export interface ListOptions {
  limit?: number;
  prefix?: string;
  startKey?: string;
  nextToken?: string;
}

export interface ListServicesResponse {
  services: ServiceInfo[];
  nextToken?: string;
}

export interface ListFunctionsResponse {
  functions: FunctionInfo[];
  nextToken?: string;
}

/** GetFunctionCode's answer. */
export interface FunctionCodeLocation {
  url: string;
  checksum: string;
}

/** An error body as FC sends it (camelCase is read too). */
export interface FcErrorBody {
  ErrorCode: string;
  ErrorMessage: string;
}
