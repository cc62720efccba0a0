// Shared building blocks: a keyboard menu with group headings, a text field with its rule and a
// live check, the issue list, the service-error panel and a spinner that respects --no-animation.
import { useRef, useState, type ReactNode } from 'react';
import { Box, Text, useInput } from 'ink';
import InkSpinner from 'ink-spinner';
import type { ValidationIssue } from '../fc/validate.js';
import type { ErrorView } from '../wizard/state.js';
import { fitWindow } from '../wizard/filter.js';
import { shownCode, wizardFieldMessage } from '../wizard/errors.js';
import { useWizard } from './context.js';
import { useScreenBudget } from './hooks/use-screen-budget.js';
import { TextField } from './TextField.js';
import { isEnter } from './text-edit.js';

/** A colour name, or undefined when colour is off (NO_COLOR). */
export function useColor(): (name: string) => string | undefined {
  const { options } = useWizard();
  return (name) => (options.color ? name : undefined);
}

export interface MenuItem<V> {
  label: string;
  value: V;
  /** A heading row drawn above this item (runtime groups). */
  group?: string;
  /** Shown dimmed after the label. */
  note?: string;
  /** Shown under the list while this item is highlighted. */
  detail?: string;
}

/**
 * A list picked with ↑/↓ and Enter. Written here rather than ink-select-input because it needs
 * group headings, a detail line and a window over long lists, and it must not take j/k or digits
 * (those belong to text fields on other steps; every active useInput sees every key).
 */
export function Menu<V>(props: {
  items: MenuItem<V>[];
  onSelect: (item: MenuItem<V>) => void;
  initialValue?: V;
  limit?: number;
  isActive?: boolean;
  onHighlight?: (item: MenuItem<V>) => void;
}) {
  const color = useColor();
  const { items, limit = 10, isActive = true } = props;
  const initial = Math.max(
    0,
    props.initialValue === undefined ? 0 : items.findIndex((i) => i.value === props.initialValue),
  );
  const [index, setIndex] = useState(initial);
  // Several keys can arrive in one chunk (a held arrow key, a fast typist) and reach this handler
  // before React re-renders: the ref holds the index as moved so far, not as last drawn.
  const at = useRef(initial);
  const move = (by: (i: number) => number) => {
    const next = (by(at.current) + items.length) % items.length;
    at.current = next;
    setIndex(next);
    const item = items[next];
    if (item) props.onHighlight?.(item);
  };
  useInput(
    (input, key) => {
      if (items.length === 0) return;
      if (key.upArrow) move((i) => i - 1);
      else if (key.downArrow) move((i) => i + 1);
      else if (key.pageDown) move((i) => Math.min(i + limit, items.length - 1));
      else if (key.pageUp) move((i) => Math.max(i - limit, 0));
      else if (isEnter(input, key)) {
        const item = items[Math.min(at.current, items.length - 1)];
        if (item) props.onSelect(item);
      }
    },
    { isActive },
  );
  // The window shrinks (to the lines the terminal has left) rather than push the header off screen.
  const startsGroup = (i: number, start: number) =>
    Boolean(items[i]?.group) && (i === start || items[i - 1]?.group !== items[i]?.group);
  const ownLines = useRef(0);
  const wanted = fitWindow(items.length, index, limit, Infinity, startsGroup).lines;
  const budget = useScreenBudget(wanted, ownLines);
  const { start, end, lines } = fitWindow(items.length, index, limit, budget, startsGroup);
  ownLines.current = lines;
  const current = items[index];
  return (
    <Box flexDirection="column">
      {start > 0 && (
        <Text dimColor>
          {'  '}↑ {start} more
        </Text>
      )}
      {items.slice(start, end).map((item, offset) => {
        const i = start + offset;
        const selected = i === index;
        const showGroup = startsGroup(i, start);
        return (
          <Box key={`${i}:${item.label}`} flexDirection="column">
            {showGroup && <Text bold>{item.group}</Text>}
            <Text color={selected ? color('cyan') : undefined} wrap="truncate-end">
              {selected ? '❯ ' : '  '}
              {item.label}
              {item.note ? (
                <Text dimColor>
                  {'  '}
                  {item.note}
                </Text>
              ) : null}
            </Text>
          </Box>
        );
      })}
      {end < items.length && (
        <Text dimColor>
          {'  '}↓ {items.length - end} more
        </Text>
      )}
      {current?.detail && (
        <Box marginTop={1}>
          <Text dimColor wrap="wrap">
            {current.detail}
          </Text>
        </Box>
      )}
    </Box>
  );
}

/** The rule and default of a field, beside its input. */
export function Rule({ rule, defaultValue }: { rule: string; defaultValue?: string | number }) {
  return (
    <Text dimColor wrap="wrap">
      rule: {rule}
      {defaultValue !== undefined && defaultValue !== '' ? `  ·  default: ${defaultValue}` : ''}
    </Text>
  );
}

export interface FieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** False: refused (the field stays, and keys typed after the Enter still edit it). */
  onSubmit: (v: string) => unknown;
  rule?: string;
  defaultValue?: string | number;
  check?: (v: string) => string | undefined;
  mask?: string;
  placeholder?: string;
  /** A default shown while the field is empty; Enter on the empty field submits it (TextField). */
  suggestion?: string;
  isActive?: boolean;
  /** Said after "is required" when Enter comes on the empty field, e.g. how to go on without a value. */
  whenEmpty?: string;
  children?: ReactNode;
}

/** A text input with its label, rule, default and a live check of what is typed. */
export function Field(props: FieldProps) {
  const color = useColor();
  const problem = props.check?.(props.value);
  // Enter on an empty field that must have a value: said, rather than nothing happening.
  const [emptyRefused, setEmptyRefused] = useState(false);
  // Enter on an empty field with a default takes the default.
  const effective = (v: string) => (v === '' && props.suggestion !== undefined ? props.suggestion : v);
  return (
    <Box flexDirection="column">
      <Box>
        {/* The label keeps its width: a long value wraps in its own column, never the label. */}
        <Box flexShrink={0}>
          <Text bold>{props.label}: </Text>
        </Box>
        <TextField
          value={props.value}
          onChange={(v) => {
            setEmptyRefused(false);
            props.onChange(v);
          }}
          onSubmit={(typed) => {
            const v = effective(typed);
            if (props.check?.(v)) {
              if (v === '') setEmptyRefused(true);
              return false;
            }
            return props.onSubmit(v) === false ? false : undefined;
          }}
          mask={props.mask}
          placeholder={props.placeholder}
          suggestion={props.suggestion}
          focus={props.isActive ?? true}
        />
      </Box>
      {props.rule && <Rule rule={props.rule} defaultValue={props.defaultValue} />}
      {problem && props.value !== '' ? (
        <Text color={color('red')} wrap="wrap">
          ✗ {problem}
        </Text>
      ) : emptyRefused && props.value === '' ? (
        <Text color={color('red')} wrap="wrap">
          ✗ {props.label} is required.{props.whenEmpty ? ` ${props.whenEmpty}` : ''}
        </Text>
      ) : null}
      {props.children}
    </Box>
  );
}

export function Issues({ issues }: { issues: ValidationIssue[] }) {
  const color = useColor();
  if (!issues.length) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      {issues.map((i, n) => (
        <Text key={n} color={color(i.severity === 'error' ? 'red' : 'yellow')} wrap="wrap">
          {i.severity === 'error' ? '✗' : '!'} {wizardFieldMessage(i)}
        </Text>
      ))}
    </Box>
  );
}

/** A failure from the service: code, message, request id and hint, never a stack. */
export function ErrorPanel({ error, title }: { error: ErrorView; title?: string }) {
  const color = useColor();
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('red')} bold wrap="wrap">
        ✗ {title ?? 'The service answered with an error'}
      </Text>
      {shownCode(error) && (
        <Text wrap="wrap">
          {'  '}code: {error.code}
          {error.status ? ` (HTTP ${error.status})` : ''}
        </Text>
      )}
      <Text wrap="wrap">
        {'  '}message: {error.message}
      </Text>
      {error.requestId && (
        <Text wrap="wrap">
          {'  '}request id: {error.requestId}
        </Text>
      )}
      {error.hint && (
        <Text color={color('yellow')} wrap="wrap">
          {'  '}hint: {error.hint}
        </Text>
      )}
    </Box>
  );
}

export function Spinner({ label }: { label: string }) {
  const { options } = useWizard();
  const color = useColor();
  return (
    <Text>
      <Text color={color('cyan')}>{options.animation ? <InkSpinner type="dots" /> : '…'}</Text> {label}
    </Text>
  );
}

const CHECK_MARK = { ok: '✓', warning: '!', error: '✗' } as const;
const CHECK_COLOR = { ok: 'green', warning: 'yellow', error: 'red' } as const;

/** A check's verdict on one line: ✓ green, ! yellow, ✗ red, then what it found. */
export function CheckLine({
  status,
  message,
  prefix = '',
}: {
  status: 'ok' | 'warning' | 'error';
  message: string;
  prefix?: string;
}) {
  const color = useColor();
  return (
    <Text color={color(CHECK_COLOR[status])} wrap="wrap">
      {CHECK_MARK[status]} {prefix}
      {message}
    </Text>
  );
}

/** Said when a step found the code changed since it was packaged, and packaged it again. */
export function RepackagedNote({ before, after }: { before: string; after: string }) {
  const color = useColor();
  return (
    <Text color={color('yellow')} wrap="wrap">
      ! The code changed since it was packaged: packaged again (CRC-64 {before} → {after}).
    </Text>
  );
}

/** The keys that work on every screen, at the bottom. */
export function KeyHelp({ extra, only }: { extra?: string; only?: string }) {
  return (
    <Box marginTop={1}>
      <Text dimColor wrap="wrap">
        {only ?? `${extra ? `${extra} · ` : ''}Enter confirm · Esc back · Ctrl-C quit`}
      </Text>
    </Box>
  );
}

/**
 * A screen that asks for one value, laid out the same on every step: what it is about (`intro`),
 * the field with its label, rule and live check, what the field found (`children`), the failure of
 * the work it started (`failure`), the step's issues and the key help at the bottom.
 */
export function FieldScreen({
  intro,
  children,
  failure,
  issues,
  keys,
  ...field
}: Omit<FieldProps, 'children'> & {
  intro?: ReactNode;
  children?: ReactNode;
  failure?: ReactNode;
  /** The step's issues; left out on a screen that has always shown none. */
  issues?: ValidationIssue[];
  keys?: { extra?: string; only?: string };
}) {
  return (
    <Box flexDirection="column">
      {intro}
      <Field {...field} />
      {children}
      {failure}
      {issues && <Issues issues={issues} />}
      <KeyHelp {...keys} />
    </Box>
  );
}
