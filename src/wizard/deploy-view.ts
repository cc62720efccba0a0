// The ways on after a failed deploy, as plain data: the step that fixes it first (when the error
// names one), then the review, trying again, and quitting. No Ink here.
import type { StepId } from './state.js';
import { STEPS, type InputStepId } from './steps.js';

export type AfterFailure =
  { kind: 'fix'; step: InputStepId } | { kind: 'retry' } | { kind: 'review' } | { kind: 'quit' };

export function afterFailureChoices(
  fixStep: StepId | undefined,
): { label: string; value: AfterFailure; note?: string }[] {
  const choices: { label: string; value: AfterFailure; note?: string }[] = [];
  if (fixStep) {
    choices.push({
      label: `Go back and fix: ${STEPS[fixStep].title}`,
      value: { kind: 'fix', step: fixStep as InputStepId },
    });
  }
  choices.push({ label: 'Back to the review', value: { kind: 'review' } });
  choices.push({ label: 'Try again', value: { kind: 'retry' } });
  choices.push({ label: 'Quit', value: { kind: 'quit' }, note: 'exit 1' });
  return choices;
}
