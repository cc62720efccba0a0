// Sample handlers the wizard can write into a new folder, as the FC console offers sample code.
// Each one answers "hello world" with the runtime's default handler, so the handler step's
// prefilled value matches it. Compiled runtimes (Java, .NET, Go) get none: there is no source to
// run without a build, and the code step says so.
import { getRuntime } from '../fc/rules.js';

export interface SampleFile {
  path: string;
  content: string;
  /** File mode; a custom runtime's bootstrap must be executable. */
  mode?: number;
}

const NODE = `// A sample handler written by fcw. FC calls exports.handler for each invocation.
exports.handler = (event, context, callback) => {
  callback(null, 'hello world');
};
`;

const PYTHON = `# A sample handler written by fcw. FC calls handler(event, context) for each invocation.
def handler(event, context):
    return 'hello world'
`;

const PHP = `<?php
// A sample handler written by fcw. FC calls handler($event, $context) for each invocation.
function handler($event, $context) {
    return 'hello world';
}
`;

// Custom runtimes start \`bootstrap\`, which must run an HTTP server on 0.0.0.0:caPort (default 9000).
const BOOTSTRAP = `#!/bin/bash
# Started by FC's custom runtime: serve HTTP on 0.0.0.0:\${FC_SERVER_PORT:-9000}.
exec python3 server.py
`;

const SERVER_PY = `# A sample custom-runtime server written by fcw: answers every request with "hello world".
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        body = b'hello world'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

HTTPServer(('0.0.0.0', int(os.environ.get('FC_SERVER_PORT', '9000'))), Handler).serve_forever()
`;

/** The files of the sample for this runtime, or undefined when there is none (see reason). */
export function sampleFiles(runtime: string): SampleFile[] | undefined {
  const info = getRuntime(runtime);
  if (!info) return undefined;
  switch (info.language) {
    case 'nodejs':
      return [{ path: 'index.js', content: NODE }];
    case 'python':
      return [{ path: 'index.py', content: PYTHON }];
    case 'php':
      return [{ path: 'index.php', content: PHP }];
    case 'custom':
      return [
        { path: 'bootstrap', content: BOOTSTRAP, mode: 0o755 },
        { path: 'server.py', content: SERVER_PY },
      ];
    default:
      return undefined;
  }
}

export function sampleUnavailableReason(runtime: string): string {
  const info = getRuntime(runtime);
  if (!info) return `unknown runtime "${runtime}"`;
  if (info.usesImage) return 'custom-container runs an image: give the image instead';
  return `${info.languageLabel} code must be built first: point the code step at your .zip/.jar or build folder`;
}

/** The default folder name for a sample, relative to where fcw runs. */
export function defaultSampleDir(runtime: string): string {
  return `fcw-sample-${runtime.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/**
 * The default folder name, then the same with -2, -3, …: a second run of the wizard in the same
 * place offers a folder the sample can go into, not the one the first run filled.
 */
export function sampleDirCandidates(runtime: string, count: number): string[] {
  const base = defaultSampleDir(runtime);
  return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
}
