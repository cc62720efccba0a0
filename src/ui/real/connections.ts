// A Connection for the screens over a connected client, and the way back from it: deploy() needs
// the client and packager the screens never see.
import type { Connected } from '../../deploy/connect.js';
import type { TargetValues } from '../../wizard/state.js';
import type { Connection } from '../services.js';
import { invokerOf } from './invoke.js';
import { listingOf } from './listing.js';

export interface Connections {
  /** `close` ends what the connection started (an in-process sandbox); called once at most. */
  open(target: TargetValues, connected: Connected, close?: () => Promise<void>): Connection;
  /** The client behind a connection these services made; undefined for any other. */
  connectedOf(connection: Connection): Connected | undefined;
}

export function createConnections(): Connections {
  const made = new WeakMap<Connection, Connected>();
  return {
    open(target, connected, close = async () => {}) {
      let closed = false;
      const connection: Connection = {
        target,
        ...listingOf(connected.client),
        ...invokerOf(connected.client),
        async close() {
          if (closed) return;
          closed = true;
          await close();
        },
      };
      made.set(connection, connected);
      return connection;
    },
    connectedOf: (connection) => made.get(connection),
  };
}
