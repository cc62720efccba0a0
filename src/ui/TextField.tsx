// The one text input every wizard step uses. Written here instead of ink-text-input 6.0.0 because
// that component cannot be made right from outside:
// - it inserts a chunk of several keys as text: four Backspaces arriving in one read
//   ("\x7f\x7f\x7f\x7f", key repeat, tmux, ssh) became four invisible DEL characters in the value,
//   so the screen showed "1badhello" while the value held "1bad\x7f\x7f\x7f\x7fhello";
//   a pasted "name\r" inserted the "\r" instead of confirming;
// - its handler edits the value and cursor of the last render, so two events of one chunk
//   (text, an arrow, text) overwrite each other;
// - after a value change from outside it keeps a cursor offset that no longer fits the value
//   (it only clamps when the offset is past the end), so Backspace deleted the wrong character;
// - it inserts the letter of Ctrl-A/Ctrl-E and Alt-keys as text.
// Here the value and cursor live in a ref updated by every key at once, a chunk is split into its
// keys (src/ui/text-edit.ts), and the look is the same: the cursor an inverse cell, a dim
// placeholder, an optional mask.
import { useRef, useState } from 'react';
import { Text, useInput } from 'ink';
import { applyEdits, editsOf, fromValue, type TextState } from './text-edit.js';

export interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
  /**
   * Enter: gets the value as edited up to the Enter (the parent's state may not have caught up).
   * Returning false says the value was refused: keys after the Enter in the same chunk then still
   * edit this field (they were typed at it); otherwise they are dropped, as they were not meant
   * for the next screen.
   */
  onSubmit?: (value: string) => boolean | void;
  placeholder?: string;
  /**
   * A default shown as the placeholder while the field is empty: the first typed character
   * replaces it, Tab or → puts it in the field to edit (the convention of clack and inquirer).
   */
  suggestion?: string;
  mask?: string;
  focus?: boolean;
}

export function TextField({
  value,
  onChange,
  onSubmit,
  placeholder: given = '',
  suggestion,
  mask,
  focus = true,
}: TextFieldProps) {
  const placeholder = suggestion ? `${suggestion}  (default: Enter uses it, Tab or → edits it)` : given;
  const edit = useRef<TextState>(fromValue(value));
  // The last `value` prop seen: a different one that is not what we typed came from outside.
  const seen = useRef(value);
  if (value !== seen.current) {
    seen.current = value;
    if (value !== edit.current.value) edit.current = fromValue(value);
  }
  // Cursor moves change no prop: this state only asks for a render.
  const [, setTick] = useState(0);

  useInput(
    (input, key) => {
      const before = edit.current;
      if (suggestion && before.value === '' && (key.tab || key.rightArrow)) {
        edit.current = { value: suggestion, cursor: suggestion.length };
        seen.current = suggestion;
        onChange(suggestion);
        return;
      }
      let edits = editsOf(input, key);
      // Bounded: every round consumes at least the Enter that ended the previous one.
      while (edits.length > 0) {
        const from = edit.current;
        const result = applyEdits(from, edits);
        edit.current = result.state;
        if (result.state.value !== from.value) {
          seen.current = result.state.value;
          onChange(result.state.value);
        }
        edits = [];
        if (result.submitted && onSubmit?.(result.state.value) === false) edits = result.rest;
      }
      if (edit.current.cursor !== before.cursor) setTick((t) => t + 1);
    },
    { isActive: focus },
  );

  const { value: shownValue, cursor } = edit.current;
  const text = mask ? mask.repeat([...shownValue].length) : shownValue;
  if (!focus) return <Text>{text || (placeholder ? <Text dimColor>{placeholder}</Text> : '')}</Text>;
  if (text.length === 0) {
    return placeholder ? (
      <Text>
        <Text inverse>{placeholder[0]}</Text>
        <Text dimColor>{placeholder.slice(1)}</Text>
      </Text>
    ) : (
      <Text inverse> </Text>
    );
  }
  // With a mask every character is one mask character: place the cursor by code points.
  const at = mask ? [...shownValue.slice(0, cursor)].length * mask.length : cursor;
  const chars = [...text.slice(at)];
  const under = chars[0] ?? ' ';
  return (
    <Text>
      {text.slice(0, at)}
      <Text inverse>{under}</Text>
      {chars.slice(1).join('')}
    </Text>
  );
}
