// The event the wizard's "Invoke it now" starts from when the profile remembers none: the test
// event the FC console offers for every runtime (the sample handlers ignore it and answer
// "hello world", so any JSON object does).
export const SAMPLE_EVENT = '{"key1":"value1","key2":"value2","key3":"value3"}';

/** Why the text is not JSON, or undefined when it is (an empty event is allowed: FC sends no body). */
export function eventJsonProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
}
