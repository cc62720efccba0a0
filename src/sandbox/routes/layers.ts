// Layers: PublishLayerVersion (an inline zip, its X-Fc-Code-Checksum checked as for functions),
// ListLayers (the newest version of each, paged by name), ListLayerVersions (startVersion, limit,
// nextVersion), GetLayerVersion, GetLayerVersionByArn (either ARN form) and DeleteLayerVersion.
// Layers belong to the account, not a service:
//
//   <data>/layers/<name>/v<N>.json   one record per version (v<N>.zip beside it)
//   <data>/layers/<name>/counter.json the last version handed out (never reused)
import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { writeFileAtomic, writeJsonAtomic } from '../atomic.js';
import { decodeZip, zipFileOf } from '../code.js';
import { codeUrl } from '../code-url.js';
import { invalidArgument, layerNotFound, SandboxError } from '../errors.js';
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

/** The service part of a layer's download URL: empty, which no service name can be. */
export const LAYER_URL_SERVICE = '';
const LAYER_ZIP_FILE = /^v[1-9][0-9]*\.zip$/;

/** The record as FC answers it: `code.location` a signed download URL of the zip on this sandbox. */
export function publicLayer(ctx: ApiContext, req: ApiRequest, record: LayerRecord): LayerRecord {
  const zipFile = `v${record.version}.zip`;
  const location = codeUrl(req.baseUrl, ctx.secret, LAYER_URL_SERVICE, record.layerName, zipFile, ctx.now());
  return { ...record, code: { ...record.code, location } };
}

/** A layer version's zip as a stream and its size (for its download URL), or undefined when gone. */
export async function openLayerZip(
  dataDir: string,
  name: string,
  zipFile: string,
): Promise<{ stream: ReadStream; size: number } | undefined> {
  if (!isStorableName(name) || !LAYER_ZIP_FILE.test(zipFile)) return undefined;
  const file = path.join(dataDir, 'layers', encodeName(name), zipFile);
  try {
    const { size } = await stat(file);
    return { stream: createReadStream(file), size };
  } catch {
    return undefined;
  }
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
  const body = await req.readJson({ inlineZip: true });
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
  return ok(publicLayer(ctx, req, record));
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
  req: ApiRequest,
  [name, version]: [name: string, version: string],
): Promise<ApiResult> {
  return ok(publicLayer(ctx, req, await requireLayerVersion(ctx, name, version)));
}

const REF_FORM = /^[A-Za-z0-9]+#([A-Za-z][A-Za-z0-9_-]*)#([1-9][0-9]*)$/;
const ARN_FORM = /^acs:fc:[a-z0-9-]+:[A-Za-z0-9_-]+:layers\/([A-Za-z][A-Za-z0-9_-]*)\/versions\/([1-9][0-9]*)$/;

async function getLayerVersionByArn(ctx: ApiContext, req: ApiRequest, [arn]: [arn: string]): Promise<ApiResult> {
  const [, name, version] = REF_FORM.exec(arn) ?? ARN_FORM.exec(arn) ?? [];
  if (name === undefined || version === undefined) {
    throw invalidArgument(
      `arn: must be {hash}#{layerName}#{version} or ` +
        `acs:fc:{region}:{accountId}:layers/{layerName}/versions/{version}; got '${arn}'.`,
    );
  }
  const record = await requireLayerVersion(ctx, name, version);
  if (REF_FORM.test(arn) && record.arn !== arn) throw layerNotFound(name, version);
  return ok(publicLayer(ctx, req, record));
}

/** A layer version a function names, with where its zip is kept. */
export interface ResolvedLayer {
  record: LayerRecord;
  zipPath: string;
}

/**
 * The stored layer versions a function's `layers` name, in the function's order: 404 LayerNotFound
 * for one that does not exist (or whose hash is not this account's), and, given the function's
 * runtime, FC's 400 "runtime: R is not supported by layer:ARN" for one not made for it.
 */
export async function resolveFunctionLayers(
  ctx: ApiContext,
  refs: readonly string[],
  runtime?: string,
): Promise<ResolvedLayer[]> {
  const resolved: ResolvedLayer[] = [];
  for (const ref of refs) {
    const [, name, version] = REF_FORM.exec(ref) ?? ARN_FORM.exec(ref) ?? [];
    if (name === undefined || version === undefined) {
      throw invalidArgument(`layers: '${ref}' is neither {hash}#{name}#{version} nor a layer version ARN.`);
    }
    const record = isStorableName(name) ? await layerDir(ctx, name).get(version) : undefined;
    if (!record || (REF_FORM.test(ref) && record.arn !== ref)) {
      const { status, code, message } = layerNotFound(name, version);
      throw new SandboxError(status, code, `layers: ${message} ('${ref}'); publish it first (PublishLayerVersion)`);
    }
    if (runtime !== undefined && !record.compatibleRuntime.includes(runtime)) {
      throw invalidArgument(`runtime: ${runtime} is not supported by layer:${record.layerVersionArn}`);
    }
    resolved.push({ record, zipPath: zipPath(ctx, name, record.version) });
  }
  return resolved;
}

/** The zips of the layers a stored function names, in its order (what the executor lays out). */
export async function layerZipPathsOf(ctx: ApiContext, refs: readonly string[] | undefined): Promise<string[]> {
  if (!refs?.length) return [];
  return (await resolveFunctionLayers(ctx, refs)).map((layer) => layer.zipPath);
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
    if (newest) layers.push(publicLayer(ctx, req, newest));
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
    if (record) layers.push(publicLayer(ctx, req, record));
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
