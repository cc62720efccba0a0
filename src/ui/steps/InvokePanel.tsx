// "Invoke it now", below the summary: an event editor (JSON checked as typed, prefilled with the
// event the profile remembers or the console's sample), the answer revealed line by line like the
// summary, the log tail below it, then "Invoke again" or "Done".
import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { InvocationOutcome } from '../../invoke/outcome.js';
import { invokeLines } from '../../wizard/invoke-view.js';
import { eventJsonProblem, SAMPLE_EVENT } from '../../wizard/sample-event.js';
import { toErrorView } from '../../wizard/errors.js';
import { ErrorPanel, Field, KeyHelp, Menu, Spinner, useColor } from '../components.js';
import { useWizard } from '../context.js';
import { useReveal } from '../hooks/use-reveal.js';
import { useTask } from '../hooks/use-task.js';

const LABEL_WIDTH = 14;

export interface InvokePanelProps {
  service: string;
  functionName: string;
  /** The codeChecksum of the deploy just made, to compare with the code that ran. */
  deployedChecksum?: string;
  /** A saved profile remembers the last event. */
  profile?: string;
  onDone: () => void;
}

export function InvokePanel(props: InvokePanelProps) {
  const { services, session } = useWizard();
  const [event, setEvent] = useState<string | undefined>(undefined);
  const [phase, setPhase] = useState<'edit' | 'result'>('edit');
  const [task, run] = useTask<InvocationOutcome>();

  // The event the profile remembers, else the sample.
  useEffect(() => {
    let live = true;
    const remembered =
      props.profile && services.lastEvent ? services.lastEvent(props.profile) : Promise.resolve(undefined);
    remembered.then(
      (text) => live && setEvent((current) => current ?? text ?? SAMPLE_EVENT),
      () => live && setEvent((current) => current ?? SAMPLE_EVENT),
    );
    return () => {
      live = false;
    };
  }, [props.profile, services]);

  const invoke = (text: string) => {
    const connection = session.connection;
    if (!connection?.invoke) return;
    setPhase('result');
    void run(async (signal) => {
      const outcome = await connection.invoke!(props.service, props.functionName, Buffer.from(text, 'utf8'), {
        signal,
      });
      if (props.profile && services.rememberEvent)
        await services.rememberEvent(props.profile, text).catch(() => undefined);
      return outcome;
    });
  };

  if (event === undefined) return <Spinner label="Loading the last event…" />;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>
        Invoke {props.service}/{props.functionName}
      </Text>
      {phase === 'edit' ? (
        <>
          <Field
            label="Event"
            value={event}
            onChange={setEvent}
            rule="JSON, sent as the event's bytes (empty: no event) · Enter: invoke · Esc: back"
            check={eventJsonProblem}
            onSubmit={invoke}
          />
        </>
      ) : task.status === 'done' ? (
        <InvokeResult
          outcome={task.value}
          deployedChecksum={props.deployedChecksum}
          onAgain={() => setPhase('edit')}
          onDone={props.onDone}
        />
      ) : task.status === 'failed' ? (
        <>
          <ErrorPanel error={toErrorView(task.error)} title="The invocation failed" />
          <AgainOrDone onAgain={() => setPhase('edit')} onDone={props.onDone} />
        </>
      ) : (
        <Spinner label={`Invoking ${props.service}/${props.functionName}…`} />
      )}
    </Box>
  );
}

function AgainOrDone({ onAgain, onDone }: { onAgain: () => void; onDone: () => void }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Menu
        items={[
          { label: 'Invoke again', value: 'again' as const },
          { label: 'Done', value: 'done' as const },
        ]}
        onSelect={(item) => (item.value === 'again' ? onAgain() : onDone())}
      />
      <KeyHelp only="↑/↓ choose · Enter confirm · Esc: back to the summary · Ctrl-C quit" />
    </Box>
  );
}

function InvokeResult(props: {
  outcome: InvocationOutcome;
  deployedChecksum?: string;
  onAgain: () => void;
  onDone: () => void;
}) {
  const { options } = useWizard();
  const color = useColor();
  const lines = invokeLines(props.outcome, props.deployedChecksum);
  const [shown] = useReveal(lines.length, options.animation);
  const revealed = shown >= lines.length;
  return (
    <Box flexDirection="column">
      {lines.slice(0, shown).map((l) => (
        <Text key={l.label} wrap="wrap">
          <Text dimColor>{l.label.padEnd(LABEL_WIDTH)}</Text>
          <Text color={l.mark === 'ok' ? color('green') : l.mark === 'bad' ? color('red') : undefined}>{l.value}</Text>
        </Text>
      ))}
      {revealed && props.outcome.log && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>log (the last 4 KB)</Text>
          <Text dimColor wrap="wrap">
            {props.outcome.log.replace(/\n$/, '')}
          </Text>
        </Box>
      )}
      {revealed && <AgainOrDone onAgain={props.onAgain} onDone={props.onDone} />}
    </Box>
  );
}
