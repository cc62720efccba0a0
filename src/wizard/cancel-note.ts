// Ctrl-C during the deploy stops fcw's side at once, but a create or update already sent cannot be
// taken back: the service may apply it. Said on the way out, so "cancelled" is not read as
// "nothing happened".
import type { WizardState } from './state.js';

/** The deploy screen's names of the calls that write. */
const WRITES = new Set(['CreateService', 'CreateFunction', 'UpdateFunction']);

/** What to add to "cancelled" when a write was sent before Ctrl-C; undefined when none was. */
export function cancelNote(state: WizardState): string | undefined {
  const deploy = state.deploy;
  if (deploy.status !== 'running') return undefined;
  const sent = deploy.progress.filter((p) => WRITES.has(p.phase) && !p.detail?.startsWith('skipped'));
  const last = sent[sent.length - 1];
  if (!last) return undefined;
  return (
    `${last.phase} was already sent, so the service may have applied it. ` +
    'Run fcw again to see what is deployed (choosing the same service and function, Review compares with it).'
  );
}
