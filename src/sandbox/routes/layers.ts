// Layers: PublishLayerVersion (an inline zip, its X-Fc-Code-Checksum checked as for functions),
// ListLayers (the newest version of each, paged by name), ListLayerVersions (startVersion, limit,
// nextVersion), GetLayerVersion, GetLayerVersionByArn (either ARN form) and DeleteLayerVersion.
// Layers belong to the account, not a service:
//
//   <data>/layers/<name>/v<N>.json   one record per version (v<N>.zip beside it)
//   <data>/layers/<name>/counter.json the last version handed out (never reused)
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { writeFileAtomic, writeJsonAtomic } from '../atomic.js';
import { decodeZip, zipFileOf } from '../code.js';
import { invalidArgument, layerNotFound } from '../errors.js';
import { JsonDir, NUMBER_CODEC } from '../json-dir.js';
import { withLock } from '../lock.js';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, pageOf, parsePageQuery } from '../paging.js';
import { fcTime } from '../records.js';
import { decodeName, encodeName, isStorableName } from '../store.js';
import { RUNTIMES } from '../../fc/rules.js';
import {
  header,
  noContent,
  ok,
  stringField,
  type ApiContext,
  type ApiRequest,
  type ApiResult,
  type Route,
} from './common.js';

export interface LayerRecord {
  layerName: string;
  version: number;
  description: string;
  code: { repositoryType: string; location: string };
  codeSize: number;
  codeChecksum: string;
  createTime: string;
  /** 0 private (the only kind the sandbox has), 1 public. */
  acl: number;
  compatibleRuntime: string[];
  /** `{hash}#{name}#{version}`: the form a function's `layers` names it by. */
  arn: string;
  /** `acs:fc:{region}:{accountId}:layers/{name}/versions/{n}`, the other form FC takes. */
  layerVersionArn: string;
}

const LAYER_NAME_MAX = 64;
/** The sandbox is one region; ARNs name this one. */
const SANDBOX_REGION = 'cn-hangzhou';

function layersRoot(ctx: ApiContext): string {
  return path.join(ctx.store.dataDir, 'layers');
}

function layerDir(ctx: ApiContext, name: string): JsonDir<LayerRecord> {
  return new JsonDir<LayerRecord>(path.join(layersRoot(ctx), encodeName(name)), NUMBER_CODEC);
}

function zipPath(ctx: ApiContext, name: string, version: number): string {
  return path.join(layersRoot(ctx), encodeName(name), `v${version}.zip`);
}

function checkLayerName(name: string): void {
  if (name.length > LAYER_NAME_MAX || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) || !isStorableName(name)) {
    throw invalidArgument(
      `layerName: must be 1–${LAYER_NAME_MAX} letters, digits, _ and -, starting with a letter; got '${name}'.`,
    );
  }
}

function checkRuntimes(value: unknown): string[] {
  const known = new Set(RUNTIMES.map((r) => r.id));
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidArgument(
      `compatibleRuntime: must list the runtimes the layer works with, e.g. ["nodejs18"]; got ` +
        `${JSON.stringify(value ?? null)}.`,
    );
  }
  const bad = value.find((r) => typeof r !== 'string' || !known.has(r));
  if (bad !== undefined) throw invalidArgument(`compatibleRuntime: ${JSON.stringify(bad)} is not an FC 2.0 runtime.`);
  return value as string[];
}

/** The account-specific hash FC puts before a layer's name in `{hash}#{name}#{version}`. */
function layerHash(accountId: string, name: string): string {
  return createHash('md5').update(`${accountId}/${name}`).digest('hex');
}

export function publicLayer(record: LayerRecord): LayerRecord {
  return record;
}

async function nextLayerVersion(ctx: ApiContext, name: string): Promise<number> {
  const file = path.join(layersRoot(ctx), encodeName(name), 'counter.json');
  let last = 0;
  try {
    last = Number((JSON.parse(await readFile(file, 'utf8')) as { last: number }).last) || 0;
  } catch {
    // first version
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeJsonAtomic(file, { last: last + 1 });
  return last + 1;
}

async function publishLayerVersion(ctx: ApiContext, req: ApiRequest, [name]: [name: string]): Promise<ApiResult> {
  checkLayerName(name);
  const body = await req.readJson();
  const description = stringField(body, 'description', false) ?? '';
  const compatibleRuntime = checkRuntimes(body.compatibleRuntime);
  const zipFile = zipFileOf(body.code, 'layer');
  if (zipFile === undefined)
    throw invalidArgument('code: is required: the layer as a base64 zip in code.zipFile; got nothing.');
  const decoded = await decodeZip(zipFile, header(req.headers, 'x-fc-code-checksum'));
  const lockFile = path.join(ctx.store.dataDir, 'locks', `layer-${encodeName(name)}.lock`);
  const record = await withLock(lockFile, `layer '${name}'`, async () => {
    const version = await nextLayerVersion(ctx, name);
    await writeFileAtomic(zipPath(ctx, name, version), decoded.zip);
    const account = ctx.accountId;
    const layer: LayerRecord = {
      layerName: name,
      version,
      description,
      code: { repositoryType: 'sandbox', location: '' },
      codeSize: decoded.zip.length,
      codeChecksum: decoded.checksum,
      createTime: fcTime(ctx.now()),
      acl: 0,
      compatibleRuntime,
      arn: `${layerHash(account, name)}#${name}#${version}`,
      layerVersionArn: `acs:fc:${SANDBOX_REGION}:${account}:layers/${name}/versions/${version}`,
    };
    await layerDir(ctx, name).put(String(version), layer);
    return layer;
  });
  return ok(publicLayer(record));
}

async function versionsOf(ctx: ApiContext, name: string): Promise<number[]> {
  if (!isStorableName(name)) return [];
  return (await layerDir(ctx, name).list()).map(Number).sort((a, b) => a - b);
}

async function requireLayerVersion(ctx: ApiContext, name: string, version: string): Promise<LayerRecord> {
  if (!/^[1-9][0-9]*$/.test(version))
    throw invalidArgument(`version: must be a positive whole number; got '${version}'.`);
  const record = isStorableName(name) ? await layerDir(ctx, name).get(version) : undefined;
  if (!record) throw layerNotFound(name, version);
  return record;
}

async function getLayerVersion(
  ctx: ApiContext,
  _req: ApiRequest,
  [name, version]: [name: string, version: string],
): Promise<ApiResult> {
  return ok(publicLayer(await requireLayerVersion(ctx, name, version)));
}

const REF_FORM = /^[A-Za-z0-9]+#([A-Za-z][A-Za-z0-9_-]*)#([1-9][0-9]*)$/;
const ARN_FORM = /^acs:fc:[a-z0-9-]+:[A-Za-z0-9_-]+:layers\/([A-Za-z][A-Za-z0-9_-]*)\/versions\/([1-9][0-9]*)$/;

async function getLayerVersionByArn(ctx: ApiContext, _req: ApiRequest, [arn]: [arn: string]): Promise<ApiResult> {
  const [, name, version] = REF_FORM.exec(arn) ?? ARN_FORM.exec(arn) ?? [];
  if (name === undefined || version === undefined) {
    throw invalidArgument(
      `arn: must be {hash}#{layerName}#{version} or ` +
        `acs:fc:{region}:{accountId}:layers/{layerName}/versions/{version}; got '${arn}'.`,
    );
  }
  const record = await requireLayerVersion(ctx, name, version);
  if (REF_FORM.test(arn) && record.arn !== arn) throw layerNotFound(name, version);
  return ok(publicLayer(record));
}

async function listLayers(ctx: ApiContext, req: ApiRequest): Promise<ApiResult> {
  // No directory yet: no layer has been published.
  const entries = await readdir(layersRoot(ctx)).catch((): string[] => []);
  const names: string[] = [];
  for (const entry of entries) {
    const name = decodeName(entry);
    if (name !== undefined && (await versionsOf(ctx, name)).length > 0) names.push(name);
  }
  const page = pageOf(names, parsePageQuery(req.query));
  const layers = [];
  for (const name of page.names) {
    const versions = await versionsOf(ctx, name);
    const newest = versions.length ? await layerDir(ctx, name).get(String(versions[versions.length - 1])) : undefined;
    if (newest) layers.push(publicLayer(newest));
  }
  return ok(page.nextToken === undefined ? { layers } : { layers, nextToken: page.nextToken });
}

async function listLayerVersions(ctx: ApiContext, req: ApiRequest, [name]: [name: string]): Promise<ApiResult> {
  const versions = await versionsOf(ctx, name);
  if (versions.length === 0) throw layerNotFound(name);
  const rawStart = req.query.get('startVersion');
  const start = rawStart === null || rawStart === '' ? 1 : Number(rawStart);
  if (!Number.isInteger(start) || start < 1)
    throw invalidArgument(`startVersion: must be a positive whole number; got '${rawStart}'.`);
  const rawLimit = req.query.get('limit');
  const limit = rawLimit === null || rawLimit === '' ? LIST_LIMIT_DEFAULT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) {
    throw invalidArgument(`limit: must be an integer from 1 to ${LIST_LIMIT_MAX}; got '${rawLimit}'.`);
  }
  const from = versions.filter((v) => v >= start);
  const page = from.slice(0, limit);
  const layers = [];
  for (const v of page) {
    const record = await layerDir(ctx, name).get(String(v));
    if (record) layers.push(publicLayer(record));
  }
  const next = from[limit];
  return ok(next === undefined ? { layers } : { layers, nextVersion: next });
}

async function deleteLayerVersion(
  ctx: ApiContext,
  _req: ApiRequest,
  [name, version]: [name: string, version: string],
): Promise<ApiResult> {
  await requireLayerVersion(ctx, name, version);
  const lockFile = path.join(ctx.store.dataDir, 'locks', `layer-${encodeName(name)}.lock`);
  await withLock(lockFile, `layer '${name}'`, async () => {
    await layerDir(ctx, name).remove(version);
    await rm(zipPath(ctx, name, Number(version)), { force: true });
  });
  return noContent();
}

export const LAYER_ROUTES: Route[] = [
  { pattern: ['layers'], methods: { GET: listLayers } },
  { pattern: ['layers', ':', 'versions'], methods: { GET: listLayerVersions, POST: publishLayerVersion } },
  { pattern: ['layers', ':', 'versions', ':'], methods: { GET: getLayerVersion, DELETE: deleteLayerVersion } },
  { pattern: ['layerarn', ':'], methods: { GET: getLayerVersionByArn } },
];
