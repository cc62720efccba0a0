// Step 2: the service. Every page of ListServices, filtered as the person types (↑/↓ pick, Enter
// takes), or "create a new service" with its name checked as typed. Nothing is written here: a
// new service is created by the deploy, after the review (which shows "service S: create").
import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { ServiceInfo } from '../../fc/types.js';
import { filterNames, fitWindow, visibleWindow } from '../../wizard/filter.js';
import { chooseServiceRow, initialServiceRow, movedRow, typedService } from '../../wizard/service-choice.js';
import { Issues, KeyHelp, Spinner } from '../components.js';
import { useWizard } from '../context.js';
import { TextField } from '../TextField.js';
import { useBack } from '../hooks/use-back.js';
import { useLatestState } from '../hooks/use-latest-state.js';
import { useScreenBudget } from '../hooks/use-screen-budget.js';
import { useTask } from '../hooks/use-task.js';
import { NewServiceField, ServiceListFailed } from './ServiceScreens.js';

const CREATE = '\u0000create';
const LIST_ROWS = 8;

/** The filtered list with its highlight; the matches come filtered (once, by the step). */
export function ServiceList({
  total,
  matches,
  query,
  highlighted,
  rows = LIST_ROWS,
  color: colorOn = true,
}: {
  total: number;
  matches: readonly ServiceInfo[];
  query: string;
  highlighted: number;
  rows?: number;
  color?: boolean;
}) {
  // No context here (the benchmark renders this alone): colour comes as a prop.
  const color = (name: string) => (colorOn ? name : undefined);
  // Only the rows on screen are mapped: a 2,000-entry list costs a window, not the list.
  const count = matches.length + 1;
  const { start, end } = visibleWindow(count, highlighted, rows);
  const entries: string[] = [];
  for (let i = start; i < end; i++) entries.push(i === 0 ? CREATE : (matches[i - 1]?.serviceName ?? ''));
  return (
    <Box flexDirection="column">
      <Text dimColor>
        {total} service{total === 1 ? '' : 's'}
        {query ? ` · ${matches.length} match "${query}"` : ''}
      </Text>
      {start > 0 && (
        <Text dimColor>
          {'  '}↑ {start} more
        </Text>
      )}
      {entries.map((name, offset) => {
        const selected = start + offset === highlighted;
        return (
          <Text key={name} color={selected ? color('cyan') : undefined} wrap="truncate-end">
            {selected ? '❯ ' : '  '}
            {name === CREATE ? '+ Create a new service' : name}
          </Text>
        );
      })}
      {end < count && (
        <Text dimColor>
          {'  '}↓ {count - end} more
        </Text>
      )}
    </Box>
  );
}

export function ServiceStep() {
  const { state, session, dispatch, options } = useWizard();
  const [list, runList] = useTask<ServiceInfo[]>();
  const [query, setQuery] = useState('');
  // Keys in one chunk (Down then Enter) reach the handlers before a re-render: the ref is current.
  const [highlighted, highlightedRef, setHighlighted] = useLatestState(0);
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState('');

  useEffect(() => {
    const connection = session.connection;
    if (connection) runList((signal) => connection.listServices({ signal }));
  }, [session, runList]);

  const services = useMemo(() => (list.status === 'done' ? list.value : []), [list]);
  const matches = useMemo(() => filterNames(services, query, (s) => s.serviceName), [services, query]);
  const count = matches.length + 1;
  const shown = Math.min(highlighted, count - 1);
  // Fewer rows than LIST_ROWS when the terminal is short: the header and the key hint stay on screen.
  const ownLines = useRef(0);
  const budget = useScreenBudget(fitWindow(count, shown, LIST_ROWS, Infinity).lines, ownLines);
  const fitted = fitWindow(count, shown, LIST_ROWS, budget);
  ownLines.current = fitted.lines;

  // Start on the service chosen before, else on the first listed one.
  useEffect(() => {
    if (list.status !== 'done') return;
    setHighlighted(initialServiceRow(list.value, state.service?.name));
    // Only when the list arrives: later the highlight is the user's, not the earlier choice's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.status]);

  useBack(() => {
    if (creating) {
      setCreating(false);
      return true;
    }
    return false;
  });

  // Filters with the query as typed up to the Enter: a pasted "name\r" arrives in one chunk, before
  // the render that would have filtered with it.
  const choose = (typed: string) => {
    const found = typed === query ? matches : filterNames(services, typed, (s) => s.serviceName);
    const chosen = chooseServiceRow(found, highlightedRef.current, typed);
    if (chosen?.create) {
      setCreating(true);
      setNewName(chosen.name);
    } else if (chosen) {
      dispatch({ type: 'submit', step: 'service', values: { service: { name: chosen.name, isNew: false } } });
    }
  };

  useInput(
    (_input, key) => {
      if (key.upArrow) setHighlighted((h) => movedRow(h, -1, count));
      else if (key.downArrow) setHighlighted((h) => movedRow(h, 1, count));
    },
    { isActive: list.status === 'done' && !creating },
  );

  if (!session.connection) return <Text>No target connected: press Esc to choose one.</Text>;
  if (list.status === 'running' || list.status === 'idle') return <Spinner label="Listing services (every page)…" />;
  if (list.status === 'failed') {
    return (
      <ServiceListFailed
        error={list.error}
        onRetry={() => {
          const connection = session.connection;
          if (connection) runList((signal) => connection.listServices({ signal }));
          else setCreating(true);
        }}
        onCreate={() => setCreating(true)}
      />
    );
  }

  if (creating) {
    return (
      <NewServiceField
        value={newName}
        onChange={setNewName}
        onSubmit={(name) =>
          dispatch({ type: 'submit', step: 'service', values: { service: typedService(name, services) } })
        }
      />
    );
  }

  return (
    <Box flexDirection="column">
      <Box>
        <Text bold>Filter: </Text>
        <TextField
          value={query}
          onChange={(q) => {
            setQuery(q);
            // The first match (or, with no matches, "create", where the typed name is offered).
            setHighlighted(1);
          }}
          onSubmit={choose}
          placeholder="type to filter"
        />
      </Box>
      <ServiceList
        total={services.length}
        matches={matches}
        query={query}
        highlighted={shown}
        rows={fitted.end - fitted.start}
        color={options.color}
      />
      <Issues issues={state.issues} />
      <KeyHelp extra="type to filter · ↑/↓ move" />
    </Box>
  );
}
