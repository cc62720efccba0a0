// The editing logic of the wizard's text fields, pure (no React, no Ink) so it is tested alone.
//
// Ink hands a handler one "input event" per escape sequence, but a run of plain bytes that
// arrived in one read stays ONE event: four Backspaces from key repeat, tmux or a slow ssh link
// come as "\x7f\x7f\x7f\x7f", a paste as "hello\r". Ink names such a chunk nothing (no
// key.backspace, no key.return) and passes the raw bytes as `input`. So a field must split the
// chunk into its keys itself: each DEL/BS deletes, printable text is inserted, Enter submits, and
// every other control character is dropped, never inserted where it would be invisible.

/** The parts of Ink's `Key` this module reads (a subset, so tests need not build a whole Key). */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type Edit =
  | { kind: 'insert'; text: string }
  | { kind: 'backspace' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'home' }
  | { kind: 'end' }
  /** Ctrl-U: delete from the start of the line to the cursor (as a shell does). */
  | { kind: 'kill-start' }
  /** Ctrl-K: delete from the cursor to the end. */
  | { kind: 'kill-end' }
  /** Ctrl-W: delete the word before the cursor. */
  | { kind: 'kill-word' }
  | { kind: 'submit' }
  /** Ctrl-C inside a chunk: the rest of the chunk is not for this field. */
  | { kind: 'cancel' };

export interface TextState {
  value: string;
  /** Index into `value` in UTF-16 units, always on a code point boundary, 0..value.length. */
  cursor: number;
}

const ETX = '\u0003'; // Ctrl-C

/** Control characters that are never text: C0, DEL and C1. */
function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f);
}

/** Splits a chunk of raw bytes (no escape sequences: Ink has split those off) into edits. */
export function editsOfText(raw: string): Edit[] {
  const edits: Edit[] = [];
  let text = '';
  const flush = () => {
    if (text) edits.push({ kind: 'insert', text });
    text = '';
  };
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!; // i < chars.length
    const code = ch.codePointAt(0) ?? 0;
    if (!isControl(code)) {
      text += ch;
      continue;
    }
    flush();
    if (ch === '\x7f' || ch === '\b') edits.push({ kind: 'backspace' });
    else if (ch === '\r' || ch === '\n') {
      // "\r\n" (a pasted Windows line end) is one Enter, not two.
      if (ch === '\r' && chars[i + 1] === '\n') i++;
      edits.push({ kind: 'submit' });
    } else if (ch === ETX) edits.push({ kind: 'cancel' });
    else if (ch === '\x01') edits.push({ kind: 'home' });
    else if (ch === '\x05') edits.push({ kind: 'end' });
    else if (ch === '\x15') edits.push({ kind: 'kill-start' });
    else if (ch === '\x0b') edits.push({ kind: 'kill-end' });
    else if (ch === '\x17') edits.push({ kind: 'kill-word' });
    // Anything else (Tab, ESC left over, other C0/C1 codes) is dropped.
  }
  flush();
  return edits;
}

/** The edits of one Ink input event: a named key, or a chunk of raw text. */
export function editsOf(input: string, key: KeyFlags): Edit[] {
  if (key.return) return [{ kind: 'submit' }];
  if (key.backspace || key.delete) return [{ kind: 'backspace' }];
  if (key.leftArrow) return [{ kind: 'left' }];
  if (key.rightArrow) return [{ kind: 'right' }];
  if (key.home) return [{ kind: 'home' }];
  if (key.end) return [{ kind: 'end' }];
  if (key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.tab || key.escape) return [];
  if (key.ctrl) {
    // Ink passes the letter of a lone Ctrl-key as `input` ('a' for Ctrl-A): never text.
    const byLetter: Record<string, Edit> = {
      a: { kind: 'home' },
      e: { kind: 'end' },
      u: { kind: 'kill-start' },
      k: { kind: 'kill-end' },
      w: { kind: 'kill-word' },
      h: { kind: 'backspace' },
      c: { kind: 'cancel' },
    };
    return byLetter[input] ? [byLetter[input]] : [];
  }
  // Alt/Option with a key (ESC + char): not text either.
  if (key.meta) return [];
  return editsOfText(input);
}

/** The code point boundary before `at` (a surrogate pair is one character). */
function prevBoundary(value: string, at: number): number {
  if (at <= 0) return 0;
  const low = value.charCodeAt(at - 1);
  if (at >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = value.charCodeAt(at - 2);
    if (high >= 0xd800 && high <= 0xdbff) return at - 2;
  }
  return at - 1;
}

function nextBoundary(value: string, at: number): number {
  if (at >= value.length) return value.length;
  const code = value.codePointAt(at) ?? 0;
  return at + (code > 0xffff ? 2 : 1);
}

export interface EditResult {
  state: TextState;
  /** Set when an Enter came; edits after it in the same chunk are not applied (they are not this field's). */
  submitted: boolean;
  cancelled: boolean;
  /** The edits after the Enter: the field applies them when its owner refused the value. */
  rest: Edit[];
}

/** Applies edits in order; stops at the first submit or cancel. */
export function applyEdits(start: TextState, edits: readonly Edit[]): EditResult {
  let { value, cursor } = start;
  cursor = Math.max(0, Math.min(cursor, value.length));
  for (const [i, edit] of edits.entries()) {
    switch (edit.kind) {
      case 'insert':
        value = value.slice(0, cursor) + edit.text + value.slice(cursor);
        cursor += edit.text.length;
        break;
      case 'backspace': {
        const from = prevBoundary(value, cursor);
        value = value.slice(0, from) + value.slice(cursor);
        cursor = from;
        break;
      }
      case 'left':
        cursor = prevBoundary(value, cursor);
        break;
      case 'right':
        cursor = nextBoundary(value, cursor);
        break;
      case 'home':
        cursor = 0;
        break;
      case 'end':
        cursor = value.length;
        break;
      case 'kill-start':
        value = value.slice(cursor);
        cursor = 0;
        break;
      case 'kill-end':
        value = value.slice(0, cursor);
        break;
      case 'kill-word': {
        let from = cursor;
        while (from > 0 && value[from - 1] === ' ') from--;
        while (from > 0 && value[from - 1] !== ' ') from--;
        value = value.slice(0, from) + value.slice(cursor);
        cursor = from;
        break;
      }
      case 'submit':
        return { state: { value, cursor }, submitted: true, cancelled: false, rest: edits.slice(i + 1) };
      case 'cancel':
        return { state: { value, cursor }, submitted: false, cancelled: true, rest: [] };
    }
  }
  return { state: { value, cursor }, submitted: false, cancelled: false, rest: [] };
}

/**
 * A value set from outside (a step clears the field, a default arrives): the cursor goes to its
 * end, so the next Backspace deletes the last character shown.
 */
export function fromValue(value: string): TextState {
  return { value, cursor: value.length };
}

/**
 * Enter for a list or a screen: a lone Enter, or a chunk of Enters only (a key held or typed
 * twice over a slow link), which Ink passes as raw "\r\r" without key.return. One confirm.
 */
export function isEnter(input: string, key: KeyFlags): boolean {
  return Boolean(key.return) || (input.length > 0 && /^[\r\n]+$/.test(input));
}
