// The target step's connecting: a target chosen (or a saved profile opened) becomes the session's
// connection, through useTask so Ctrl-C aborts it. Another target replaces the previous one: what
// that one started (a sandbox) stops.
import { useWizard, type Session } from '../context.js';
import type { Connection } from '../services.js';
import { useTask, type TaskState } from './use-task.js';

export interface TargetConnection {
  /** The connecting in progress, or how the last one ended. */
  work: TaskState<void>;
  /** Connects with `open` and, connected, submits the step with that target. */
  connect: (open: (signal: AbortSignal) => Promise<Connection>) => void;
  /** Opens a saved profile: its values and its connection. */
  openProfile: (name: string) => void;
}

export function useTargetConnection(): TargetConnection {
  const { services, session, dispatch } = useWizard();
  const [work, run] = useTask<void>();
  const connect = (open: (signal: AbortSignal) => Promise<Connection>) =>
    void run(async (signal) => {
      const connection = await open(signal);
      if (signal.aborted) {
        await connection.close();
        return;
      }
      await adoptConnection(session, connection);
      dispatch({ type: 'submit', step: 'target', values: { target: connection.target } });
    });
  const openProfile = (name: string) =>
    void run(async (signal) => {
      const { values, connection } = await services.openProfile(name, { signal });
      await adoptConnection(session, connection);
      dispatch({ type: 'load-profile', profile: values });
    });
  return { work, connect, openProfile };
}

async function adoptConnection(session: Session, connection: Connection): Promise<void> {
  if (session.connection && session.connection !== connection) await session.connection.close();
  session.connection = connection;
  session.pkg = undefined;
}
