// How a deploy's outcome is told: the one JSON object of --json, and the lines a person reads.
// Pure: no I/O. Neither ever includes a credential (the target is shown by endpoint and account).
import { formatBytes } from '../core/bytes.js';
import { exitCodeOf } from '../core/errors.js';
import { formatRequestDescription } from '../fc/client.js';
import { codeReasonAfterLabel, formatDiff, type DeploySpec } from './plan.js';
import type { DeployResult } from './run.js';

export interface TargetView {
  kind: string;
  endpoint: string;
  accountId: string;
  region?: string;
}

/** The --json object: status, function, checksum, requestIds, timings, diff, profile (and more). */
export function toJsonOutput(
  result: DeployResult | undefined,
  context: { profile?: string; target?: TargetView; error?: unknown },
): Record<string, unknown> {
  const target = context.target
    ? {
        kind: context.target.kind,
        endpoint: context.target.endpoint,
        accountId: context.target.accountId,
        region: context.target.region,
      }
    : undefined;
  if (!result) {
    const e = context.error as { message?: string; hint?: string; code?: string; name?: string } | undefined;
    const exitCode = exitCodeOf(context.error);
    return {
      status: 'failed',
      function: null,
      checksum: { match: false },
      requestIds: [],
      timings: {},
      diff: [],
      profile: context.profile ?? null,
      error: { message: e?.message ?? String(context.error), hint: e?.hint, code: e?.code ?? e?.name, exitCode },
    };
  }
  return {
    status: result.status,
    ...(result.dryRun ? { dryRun: true } : {}),
    action: result.action ?? null,
    function: result.function ?? null,
    checksum: result.checksum,
    requestIds: result.requestIds,
    timings: result.timings,
    diff: result.diff,
    codeSent: result.codeSent ?? false,
    codeReason: result.codeReason ?? null,
    etag: result.etag ?? null,
    package: result.package ?? null,
    profile: context.profile ?? null,
    target: target ?? null,
    warnings: result.warnings,
    ...(result.requests ? { requests: result.requests } : {}),
    ...(result.changedByOthers ? { changedByOthers: result.changedByOthers } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

function kb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : formatBytes(bytes);
}

/** The summary a person reads, one line each. */
export function formatSummary(
  result: DeployResult,
  context: { spec: DeploySpec; profile?: string; target?: TargetView },
): string[] {
  const name = `${context.spec.service.name}/${context.spec.function.functionName}`;
  const lines: string[] = [];
  const where = context.target ? ` at ${context.target.endpoint}` : '';
  if (result.dryRun) {
    lines.push(
      `Dry run: would ${result.action === 'unchanged' ? 'do nothing (unchanged)' : `${result.action} ${name}`}${where}. Nothing was written.`,
    );
    lines.push('Changes:', formatDiff(result.diff));
    if (result.codeReason) lines.push(`Code: ${result.codeReason}`);
    for (const request of result.requests ?? []) lines.push('', formatRequestDescription(request));
    return lines;
  }
  switch (result.status) {
    case 'created':
      lines.push(`Created ${name}${where}.`);
      break;
    case 'updated':
      lines.push(`Updated ${name}${where}.`);
      break;
    case 'unchanged':
      lines.push(`Unchanged: ${name} already matches (configuration and code checksum). Nothing was sent.`);
      break;
    case 'failed':
      lines.push(`Deploy of ${name} failed: ${result.error?.message ?? 'unknown error'}`);
      if (result.error?.hint) lines.push(`  ${result.error.hint}`);
      break;
  }
  const fn = result.function;
  // A write the service took but with other code than the package: show what it holds now.
  const writtenButWrong = result.status === 'failed' && result.error?.code === 'CodeChecksumMismatch';
  if (fn && (result.status !== 'failed' || writtenButWrong)) {
    lines.push(`  functionId    ${fn.functionId}`);
    lines.push(
      `  runtime       ${fn.runtime}, handler ${fn.handler}, ${fn.memorySize ?? '?'} MB, ${fn.timeout ?? '?'} s`,
    );
    if (result.checksum.local !== undefined) {
      lines.push(
        `  codeChecksum  ${fn.codeChecksum ?? '(none)'} ${result.checksum.match ? '(matches the package)' : `(the package is ${result.checksum.local})`}`,
      );
    } else if (fn.codeChecksum) lines.push(`  codeChecksum  ${fn.codeChecksum}`);
    lines.push(`  codeSize      ${kb(fn.codeSize)}`);
    lines.push(`  modified      ${fn.lastModifiedTime}`);
  }
  if (result.status === 'updated' || result.status === 'failed') {
    if (result.diff.length > 0) lines.push('  changes', formatDiff(result.diff, '    '));
    if (result.status === 'updated') lines.push(`  code          ${codeReasonAfterLabel(result.codeReason ?? '')}`);
  }
  const timings = Object.entries(result.timings)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(', ');
  if (timings) lines.push(`  time          ${timings}`);
  if (result.requestIds.length > 0) lines.push(`  request ids   ${result.requestIds.join(', ')}`);
  if (context.profile)
    lines.push(
      `  profile       ${context.profile} (last deploy recorded); redeploy: fcw deploy --profile ${context.profile}`,
    );
  return lines;
}
