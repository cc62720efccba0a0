// The lines the wizard shows for an invocation's outcome, revealed one by one like the summary:
// pure, so the screen only draws them.
import { checksumVerdict, resultText, type InvocationOutcome } from '../invoke/outcome.js';

export interface InvokeLine {
  label: string;
  value: string;
  mark?: 'ok' | 'bad';
}

/** The answer is cut to this many lines on screen (`fcw invoke` prints it whole). */
const ANSWER_MAX_LINES = 12;
const ANSWER_MAX_CHARS = 2000;

export function answerText(outcome: InvocationOutcome): string {
  const result = resultText(outcome.body);
  if (result.encoding === 'base64') return `<${outcome.body.length} bytes, not text>`;
  if (result.text === '') return '(empty)';
  let text = result.text.length > ANSWER_MAX_CHARS ? `${result.text.slice(0, ANSWER_MAX_CHARS)}…` : result.text;
  const lines = text.split('\n');
  if (lines.length > ANSWER_MAX_LINES)
    text = `${lines.slice(0, ANSWER_MAX_LINES).join('\n')}\n… ${lines.length - ANSWER_MAX_LINES} more lines`;
  return text;
}

export function invokeLines(outcome: InvocationOutcome, deployedChecksum: string | undefined): InvokeLine[] {
  const lines: InvokeLine[] =
    outcome.status === 'ok'
      ? [
          { label: 'status', value: 'ok', mark: 'ok' },
          { label: 'answer', value: answerText(outcome) },
        ]
      : [
          { label: 'status', value: `failed: ${outcome.errorType}`, mark: 'bad' },
          { label: 'error', value: outcome.errorMessage ?? '' },
        ];
  if (outcome.durationMs !== undefined) lines.push({ label: 'duration', value: `${outcome.durationMs} ms` });
  if (outcome.maxMemoryMB !== undefined)
    lines.push({ label: 'max memory', value: `${outcome.maxMemoryMB.toFixed(1)} MB` });
  lines.push({ label: 'request id', value: outcome.requestId || 'unknown' });
  if (outcome.codeChecksum) {
    const verdict = checksumVerdict(outcome.codeChecksum, deployedChecksum);
    lines.push(
      verdict === 'match'
        ? { label: 'codeChecksum', value: `${outcome.codeChecksum}  ✓ the code just deployed`, mark: 'ok' }
        : verdict === 'differs'
          ? {
              label: 'codeChecksum',
              value: `${outcome.codeChecksum}  ✗ not the code just deployed (${deployedChecksum})`,
              mark: 'bad',
            }
          : { label: 'codeChecksum', value: outcome.codeChecksum },
    );
  }
  return lines;
}
