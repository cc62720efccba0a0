// What FC 2.0 accepts in a trigger, per type: the trigger types, the sourceArn each needs, and the
// triggerConfig fields it checks. Pure: every check returns the 400 message naming the field, or
// undefined. The sandbox stores and validates every type; only HTTP triggers are reachable (proxy).

import { isRecord } from '../../core/is-record.js';

export const TRIGGER_TYPES = [
  'http',
  'timer',
  'oss',
  'log',
  'mns_topic',
  'cdn_events',
  'tablestore',
  'eventbridge',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'] as const;
export const HTTP_AUTH_TYPES = ['anonymous', 'function'] as const;

/** The event sources: each needs a sourceArn of this form and a role FC may assume to be called. */
const SOURCE_ARNS: Partial<Record<TriggerType, { pattern: RegExp; form: string }>> = {
  oss: {
    pattern: /^acs:oss:[a-z0-9-]+:[0-9]+:[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    form: 'acs:oss:{region}:{accountId}:{bucket}',
  },
  log: {
    pattern: /^acs:log:[a-z0-9-]+:[0-9]+:project\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    form: 'acs:log:{region}:{accountId}:project/{project}',
  },
  mns_topic: {
    pattern: /^acs:mns:[a-z0-9-]+:[0-9]+:\/topics\/[A-Za-z0-9-]{1,256}$/,
    form: 'acs:mns:{region}:{accountId}:/topics/{topic}',
  },
  cdn_events: { pattern: /^acs:cdn:\*:[0-9]+$/, form: 'acs:cdn:*:{accountId}' },
  tablestore: {
    pattern: /^acs:ots:[a-z0-9-]+:[0-9]+:instance\/[A-Za-z0-9-]+\/table\/[A-Za-z0-9_]+$/,
    form: 'acs:ots:{region}:{accountId}:instance/{instance}/table/{table}',
  },
};

const ROLE_ARN = /^acs:ram::[0-9]+:role\/[A-Za-z0-9._\-/]+$/i;

const OSS_EVENT = /^oss:(ObjectCreated|ObjectRemoved|ObjectReplication|ObjectModified):[A-Za-z*]+$/;
const MNS_FORMATS = ['STREAM', 'JSON'];
const MNS_STRATEGIES = ['BACKOFF_RETRY', 'EXPONENTIAL_DECAY_RETRY'];
const EVENTBRIDGE_SOURCES = ['Default', 'MNS', 'RocketMQ', 'RabbitMQ', 'Kafka', 'DTS'];

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/**
 * A timer's schedule as FC takes it: `@every 5m` (at least one minute, units h/m) or six cron fields
 * `seconds minutes hours day-of-month month day-of-week`, optionally after `CRON_TZ=Zone `.
 */
export function checkCronExpression(v: unknown): string | undefined {
  const field = 'triggerConfig.cronExpression';
  if (typeof v !== 'string' || v.trim() === '') {
    return (
      `${field}: is required for a timer trigger ('@every 5m' or six cron fields, e.g. '0 0/5 * * * *'); got ` +
      `${show(v)}.`
    );
  }
  const every = /^@every\s+(?:(\d+)h)?(?:(\d+)m)?$/.exec(v.trim());
  if (every && (every[1] || every[2])) {
    const minutes = Number(every[1] ?? 0) * 60 + Number(every[2] ?? 0);
    return minutes >= 1 ? undefined : `${field}: an @every interval must be at least 1m; got ${show(v)}.`;
  }
  if (v.trim().startsWith('@')) return `${field}: must be '@every <N>m' or '@every <N>h<N>m'; got ${show(v)}.`;
  const fields = v
    .trim()
    .replace(/^CRON_TZ=\S+\s+/, '')
    .split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9A-Za-z*?,/\-LW#]+$/.test(f))) {
    return (
      `${field}: must have six cron fields (seconds minutes hours day-of-month month day-of-week), e.g. '0 ` +
      `0/5 * * * *'; got ${show(v)}.`
    );
  }
  return undefined;
}

function checkHttp(config: Record<string, unknown>): string | undefined {
  if (!(HTTP_AUTH_TYPES as readonly unknown[]).includes(config.authType)) {
    return `triggerConfig.authType: must be anonymous or function; got ${show(config.authType)}.`;
  }
  const methods = config.methods;
  if (!Array.isArray(methods) || methods.length === 0) {
    return (
      `triggerConfig.methods: must list the HTTP methods the trigger takes (${HTTP_METHODS.join(', ')}); got ` +
      `${show(methods)}.`
    );
  }
  const bad = methods.find((m) => !(HTTP_METHODS as readonly unknown[]).includes(m));
  if (bad !== undefined) return `triggerConfig.methods: ${show(bad)} is not one of ${HTTP_METHODS.join(', ')}.`;
  if (config.disableURLInternet !== undefined && typeof config.disableURLInternet !== 'boolean') {
    return `triggerConfig.disableURLInternet: must be true or false; got ${show(config.disableURLInternet)}.`;
  }
  return undefined;
}

function checkTimer(config: Record<string, unknown>): string | undefined {
  const cron = checkCronExpression(config.cronExpression);
  if (cron) return cron;
  if (typeof config.enable !== 'boolean')
    return `triggerConfig.enable: must be true or false; got ${show(config.enable)}.`;
  if (config.payload !== undefined && typeof config.payload !== 'string') {
    return `triggerConfig.payload: must be a string (the event the function receives); got ${show(config.payload)}.`;
  }
  return undefined;
}

function checkOss(config: Record<string, unknown>): string | undefined {
  const events = config.events;
  if (!Array.isArray(events) || events.length === 0) {
    return `triggerConfig.events: must list OSS events, e.g. ["oss:ObjectCreated:*"]; got ${show(events)}.`;
  }
  const bad = events.find((e) => typeof e !== 'string' || !OSS_EVENT.test(e));
  if (bad !== undefined)
    return `triggerConfig.events: ${show(bad)} is not an OSS event (e.g. oss:ObjectCreated:PutObject).`;
  if (config.filter !== undefined && !isRecord(config.filter)) {
    return `triggerConfig.filter: must be an object {key: {prefix, suffix}}; got ${show(config.filter)}.`;
  }
  return undefined;
}

function checkLog(config: Record<string, unknown>): string | undefined {
  const source = config.sourceConfig;
  if (!isRecord(source) || typeof source.logstore !== 'string' || source.logstore === '') {
    return (
      `triggerConfig.sourceConfig.logstore: is required (the Logstore whose data triggers the function); got ` +
      `${show(source)}.`
    );
  }
  const job = config.jobConfig;
  if (!isRecord(job))
    return `triggerConfig.jobConfig: must be an object {maxRetryTime, triggerInterval}; got ${show(job)}.`;
  const log = config.logConfig;
  if (!isRecord(log) || typeof log.project !== 'string' || typeof log.logstore !== 'string') {
    return `triggerConfig.logConfig: must name the project and logstore for the trigger's own logs; got ${show(log)}.`;
  }
  if (config.enable !== undefined && typeof config.enable !== 'boolean')
    return `triggerConfig.enable: must be true or false; got ${show(config.enable)}.`;
  return undefined;
}

function checkMns(config: Record<string, unknown>): string | undefined {
  if (config.notifyContentFormat !== undefined && !MNS_FORMATS.includes(config.notifyContentFormat as string)) {
    return `triggerConfig.notifyContentFormat: must be STREAM or JSON; got ${show(config.notifyContentFormat)}.`;
  }
  if (config.notifyStrategy !== undefined && !MNS_STRATEGIES.includes(config.notifyStrategy as string)) {
    return `triggerConfig.notifyStrategy: must be ${MNS_STRATEGIES.join(' or ')}; got ${show(config.notifyStrategy)}.`;
  }
  return undefined;
}

function checkCdn(config: Record<string, unknown>): string | undefined {
  for (const key of ['eventName', 'eventVersion']) {
    if (typeof config[key] !== 'string' || config[key] === '')
      return `triggerConfig.${key}: is required for a CDN trigger; got ${show(config[key])}.`;
  }
  const filter = config.filter;
  if (!isRecord(filter) || !Array.isArray(filter.domain) || filter.domain.length === 0) {
    return `triggerConfig.filter.domain: must list the CDN domains; got ${show(filter)}.`;
  }
  return undefined;
}

function checkEventBridge(config: Record<string, unknown>): string | undefined {
  const source = config.eventSourceConfig;
  if (!isRecord(source) || !EVENTBRIDGE_SOURCES.includes(source.eventSourceType as string)) {
    return (
      `triggerConfig.eventSourceConfig.eventSourceType: must be one of ${EVENTBRIDGE_SOURCES.join(', ')}; got ` +
      `${show(isRecord(source) ? source.eventSourceType : source)}.`
    );
  }
  if (config.eventRuleFilterPattern !== undefined) {
    try {
      JSON.parse(String(config.eventRuleFilterPattern));
    } catch {
      return `triggerConfig.eventRuleFilterPattern: must be a JSON text; got ${show(config.eventRuleFilterPattern)}.`;
    }
  }
  return undefined;
}

const CONFIG_CHECKS: Record<TriggerType, (config: Record<string, unknown>) => string | undefined> = {
  http: checkHttp,
  timer: checkTimer,
  oss: checkOss,
  log: checkLog,
  mns_topic: checkMns,
  cdn_events: checkCdn,
  tablestore: () => undefined,
  eventbridge: checkEventBridge,
};

export interface TriggerFields {
  triggerType: unknown;
  triggerConfig: unknown;
  sourceArn?: unknown;
  invocationRole?: unknown;
}

/** The first thing FC would refuse in a trigger's type, source, role and config; undefined when fine. */
export function checkTrigger(t: TriggerFields): string | undefined {
  if (!(TRIGGER_TYPES as readonly unknown[]).includes(t.triggerType)) {
    return `triggerType: must be one of ${TRIGGER_TYPES.join(', ')}; got ${show(t.triggerType)}.`;
  }
  const type = t.triggerType as TriggerType;
  const source = SOURCE_ARNS[type];
  if (source && (typeof t.sourceArn !== 'string' || !source.pattern.test(t.sourceArn))) {
    return `sourceArn: a ${type} trigger needs the event source as ${source.form}; got ${show(t.sourceArn)}.`;
  }
  if (source && (typeof t.invocationRole !== 'string' || !ROLE_ARN.test(t.invocationRole))) {
    return (
      `invocationRole: a ${type} trigger needs a RAM role FC assumes to call the function, ` +
      `acs:ram::{accountId}:role/{name}; got ${show(t.invocationRole)}.`
    );
  }
  if (!isRecord(t.triggerConfig)) return `triggerConfig: must be an object; got ${show(t.triggerConfig)}.`;
  return CONFIG_CHECKS[type](t.triggerConfig);
}
