// Runs async work tied to the session: each run gets an AbortSignal that Ctrl-C (and unmounting
// the step) aborts, and results arriving after the step is gone are dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useWizard } from '../context.js';

export type TaskState<T> =
  { status: 'idle' } | { status: 'running' } | { status: 'done'; value: T } | { status: 'failed'; error: unknown };

export function useTask<T>(): [
  TaskState<T>,
  (work: (signal: AbortSignal) => Promise<T>) => Promise<T | undefined>,
  () => void,
] {
  const { session } = useWizard();
  const [state, setState] = useState<TaskState<T>>({ status: 'idle' });
  const current = useRef<AbortController | undefined>(undefined);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      current.current?.abort();
    };
  }, []);

  const reset = useCallback(() => {
    current.current?.abort();
    setState({ status: 'idle' });
  }, []);

  const run = useCallback(
    async (work: (signal: AbortSignal) => Promise<T>) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      session.controllers.add(controller);
      setState({ status: 'running' });
      try {
        const value = await work(controller.signal);
        if (mounted.current && !controller.signal.aborted) setState({ status: 'done', value });
        return controller.signal.aborted ? undefined : value;
      } catch (error) {
        if (mounted.current && !controller.signal.aborted) setState({ status: 'failed', error });
        return undefined;
      } finally {
        session.controllers.delete(controller);
      }
    },
    [session],
  );
  return [state, run, reset];
}
