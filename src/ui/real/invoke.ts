// The summary's invoke: one call of the deployed function through the connection's client.
import type { FcClient } from '../../fc/client.js';
import type { Connection } from '../services.js';
import { load } from './lazy.js';

export function invokerOf(client: FcClient): Pick<Connection, 'invoke'> {
  return {
    async invoke(service, fn, event, { signal } = {}) {
      const { invokeOnce } = await load.invoke();
      return invokeOnce(client, { service, functionName: fn, event, signal });
    },
  };
}
