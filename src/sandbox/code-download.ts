// GET of a signed code URL (GetFunctionCode's `url`, a layer version's `code.location`): no FC
// signature, the URL's own one, checked against the key secret; the zip is streamed from the store.
import type { ServerResponse } from 'node:http';

import { verifyCodeUrl } from './code-url.js';
import { SandboxError } from './errors.js';
import { LAYER_URL_SERVICE, openLayerZip } from './routes/layers.js';
import { openVersionCode } from './routes/versions.js';
import type { SandboxStore } from './store.js';

/** Where the zips are kept, the secret the URLs are signed with, and the clock their expiry is read by. */
export interface CodeSource {
  store: SandboxStore;
  secret: string;
  now: () => number;
}

export async function serveCodeDownload(
  source: CodeSource,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const parts = verifyCodeUrl(source.secret, path, query, source.now());
  if ('error' in parts) throw new SandboxError(403, 'AccessDenied', parts.error);
  let opened;
  try {
    // A published version's zip lives apart from the working copy's (routes/versions.ts).
    opened =
      parts.service === LAYER_URL_SERVICE
        ? await openLayerZip(source.store.dataDir, parts.fn, parts.codeFile)
        : ((await source.store.openCode(parts.service, parts.codeFile)) ??
          (await openVersionCode({ store: source.store }, parts.service, parts.codeFile)));
  } catch {
    opened = undefined;
  }
  if (!opened)
    throw new SandboxError(
      404,
      'CodeNotFound',
      'this code package was replaced or deleted; call GetFunctionCode again',
    );
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Length', opened.size);
  await new Promise<void>((resolve) => {
    opened.stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      opened.stream.destroy();
      resolve();
    });
    opened.stream.pipe(res);
  });
}
