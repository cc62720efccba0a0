// What a connection lists and reads for the screens: services, functions, one function.
import type { FcClient } from '../../fc/client.js';
import { FcApiError } from '../../fc/errors.js';
import type { Connection } from '../services.js';

export function listingOf(client: FcClient): Pick<Connection, 'listServices' | 'listFunctions' | 'getFunction'> {
  return {
    async listServices({ signal } = {}) {
      return (await client.listServices({ signal })).data;
    },
    async listFunctions(service, { signal } = {}) {
      return (await client.listFunctions(service, { signal })).data;
    },
    // A function that is not there is an answer (the name is free), not a failure.
    async getFunction(service, fn, { signal } = {}) {
      try {
        return (await client.getFunction(service, fn, { signal })).data;
      } catch (error) {
        if (error instanceof FcApiError && error.code === 'FunctionNotFound') return undefined;
        throw error;
      }
    },
  };
}
