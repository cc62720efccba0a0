// A failed deploy as an error, for a caller that throws rather than reads the result (the
// wizard's deploy service): it keeps the FC error code, the request id and the refused field, so
// the screen shows them and points at the step to fix without reading the message.
import { FailedError } from '../core/errors.js';
import type { DeployError } from './types.js';

export class DeployFailedError extends FailedError {
  readonly code: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly field?: string;
  constructor(failure: DeployError | undefined) {
    super(failure?.message ?? 'the deploy failed', failure?.hint);
    this.name = 'DeployFailed';
    this.code = failure?.code ?? 'DeployFailed';
    if (failure?.status !== undefined) this.status = failure.status;
    if (failure?.requestId) this.requestId = failure.requestId;
    if (failure?.field) this.field = failure.field;
  }
}
