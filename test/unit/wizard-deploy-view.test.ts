// The ways on after a failed deploy, without Ink.
import { describe, expect, it } from 'vitest';
import { afterFailureChoices } from '../../src/wizard/deploy-view.js';

describe('after a failed deploy', () => {
  it('offers the step that fixes it first, then the review, try again, quit', () => {
    expect(afterFailureChoices('limits')).toEqual([
      { label: 'Go back and fix: Memory, timeout, initializer', value: { kind: 'fix', step: 'limits' } },
      { label: 'Back to the review', value: { kind: 'review' } },
      { label: 'Try again', value: { kind: 'retry' } },
      { label: 'Quit', value: { kind: 'quit' }, note: 'exit 1' },
    ]);
  });

  it('without a step that fixes it: the review, try again, quit', () => {
    expect(afterFailureChoices(undefined).map((c) => c.value.kind)).toEqual(['review', 'retry', 'quit']);
  });
});
