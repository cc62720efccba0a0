// One invocation through the FC client, turned into an InvocationOutcome.
import type { FcClient } from '../fc/client.js';
import { outcomeOf, type InvocationOutcome } from './outcome.js';

export interface InvokeRequest {
  service: string;
  functionName: string;
  event: Uint8Array;
  qualifier?: string;
  async?: boolean;
  signal?: AbortSignal;
}

export async function invokeOnce(client: FcClient, request: InvokeRequest): Promise<InvocationOutcome> {
  const answer = await client.invokeFunction(request.service, request.functionName, request.event, {
    async: request.async,
    qualifier: request.qualifier,
    signal: request.signal,
  });
  return outcomeOf(answer.data, answer.requestId, request.async === true);
}
