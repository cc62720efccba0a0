// An endpoint in front of another (the sandbox) that forwards every request and rewrites the
// codeChecksum in the answers to CreateFunction and UpdateFunction: a service that takes the code
// but reports another checksum than the package's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TamperingProxy {
  url: string;
  close(): Promise<void>;
}

export async function startChecksumTamperingProxy(target: string, codeChecksum: string): Promise<TamperingProxy> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
      }
      const answer = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: 'manual',
      });
      let text = await answer.text();
      const isWrite = (req.method === 'POST' || req.method === 'PUT') && /\/functions(\/[^/]+)?$/.test(req.url ?? '');
      if (isWrite && answer.ok) text = JSON.stringify({ ...JSON.parse(text), codeChecksum });
      const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
      for (const name of ['x-fc-request-id', 'etag']) {
        const value = answer.headers.get(name);
        if (value) out[name] = value;
      }
      res.writeHead(answer.status, out).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
