// Every numeric cap FC 2.0 enforces, one named constant each (docs/fc-api-notes.md, "Validation rules").
// The validators, the wizard's hints, the sandbox's checks and the error messages all read these.
// Where the facts are uncertain the constant says so: change it here and everything follows.

export const API_VERSION = '2016-08-15';

export const SERVICE_NAME_MAX_LENGTH = 128;
export const FUNCTION_NAME_MAX_LENGTH = 64;

/** Memory: a multiple of this, in MB. */
export const MEMORY_STEP_MB = 64;
/** Elastic instances (`e1`, the default). */
export const MEMORY_ELASTIC_MIN_MB = 128;
export const MEMORY_ELASTIC_MAX_MB = 3072;
/** Performance instances (`c1`) take only these sizes. */
export const MEMORY_PERFORMANCE_SIZES_MB = [4096, 8192, 16384, 32768] as const;
export const MEMORY_DEFAULT_MB = 128;

export const TIMEOUT_MIN_S = 1;
/** The seed's cap for elastic instances. Performance instances may allow more (docs disagree: 7200 or 86400). */
export const TIMEOUT_MAX_S = 600;
export const TIMEOUT_DEFAULT_S = 60;
/**
 * Performance instances (`c1`): the docs disagree (7200 or 86400); fcw takes the lower figure so it
 * never accepts what the service may refuse. Change it here if FC's published limit is confirmed.
 */
export const TIMEOUT_PERFORMANCE_MAX_S = 7200;

export const INIT_TIMEOUT_MIN_S = 1;
export const INIT_TIMEOUT_MAX_S = 300;
export const INIT_TIMEOUT_DEFAULT_S = 3;

export const CA_PORT_DEFAULT = 9000;
export const CA_PORT_MIN = 1;
export const CA_PORT_MAX = 65535;

export const LAYERS_MAX = 5;

/** All environment variables together (keys and values, as JSON-encoded), in bytes. */
export const ENV_TOTAL_MAX_BYTES = 4 * 1024;
export const ENV_RESERVED_PREFIX = 'FC_';

const MB = 1024 * 1024;
/** Above this the official tools switch to OSS; fcw warns. */
export const CODE_INLINE_WARN_BYTES = 50 * MB;
/** Uncertain whether FC caps the raw or the base64 zip: fcw treats the raw zip as capped here. */
export const CODE_INLINE_MAX_BYTES = 100 * MB;
export const CODE_OSS_MAX_BYTES = 500 * MB;

/**
 * jszip writes no ZIP64, so a package holds at most this many entries: one fewer than the 16-bit
 * count holds, since 0xFFFF there marks a ZIP64 zip (JSZip, which the sandbox unpacks code with,
 * then looks for a ZIP64 record and fails).
 */
export const ZIP_MAX_ENTRIES = 65_534;

/** The service allows this much clock skew on the Date header. */
export const DATE_SKEW_MAX_MS = 15 * 60 * 1000;

/** Requests one instance serves at once (`instanceConcurrency`); FC's default is 1. */
export const INSTANCE_CONCURRENCY_MIN = 1;
export const INSTANCE_CONCURRENCY_MAX = 200;
export const INSTANCE_CONCURRENCY_DEFAULT = 1;
/** vCPUs (`cpu`): a multiple of 0.05 within this range; with it, memory per vCPU is 1–4 GB. */
export const CPU_MIN = 0.05;
export const CPU_MAX = 16;
export const CPU_STEP = 0.05;
export const MEMORY_PER_CPU_MIN_MB = 1024;
export const MEMORY_PER_CPU_MAX_MB = 4096;
/** The instance's disk (`diskSize`, MB): only these sizes; FC's default is the smaller. */
export const DISK_SIZES_MB = [512, 10240] as const;
export const DISK_SIZE_DEFAULT_MB = 512;
