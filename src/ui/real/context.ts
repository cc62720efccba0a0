// What every part of the real services shares: the environment, where relative paths start, the
// profile store (opened once, on first use) and the connections made so far.
import os from 'node:os';
import path from 'node:path';
import type { Io } from '../../cli/io.js';
import type { ProfileStore } from '../../profiles/store.js';
import { createConnections, type Connections } from './connections.js';
import { load } from './lazy.js';

export interface RealServicesOptions {
  endpoint?: string;
  region?: string;
  accountId?: string;
}

export interface RealContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  home: string;
  options: RealServicesOptions;
  /** A path the user typed, read against the directory the wizard started in. */
  resolve(p: string): string;
  profiles(): Promise<ProfileStore>;
  connections: Connections;
}

export function createContext(io: Io, options: RealServicesOptions): RealContext {
  const env = io.env;
  let store: ProfileStore | undefined;
  return {
    io,
    env,
    home: env.HOME || os.homedir(),
    options,
    resolve: (p) => path.resolve(io.cwd, p),
    profiles: async () => (store ??= new (await load.store()).ProfileStore({ env, stderr: io.stderr })),
    connections: createConnections(),
  };
}
