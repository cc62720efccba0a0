// What every screen reads: the state and dispatch, the services, the display options, and the
// session (the live connection, the built package, the in-flight work). One React context, so the
// step components take no props beyond what makes them differ.
import { createContext, useContext, type Dispatch, type MutableRefObject } from 'react';
import type { DOMElement } from 'ink';
import type { WizardAction } from '../wizard/reducer.js';
import type { WizardState } from '../wizard/state.js';
import type { Connection, WizardServices } from './services.js';
import type { SessionPackage } from './session-package.js';

export interface UiOptions {
  /** False with NO_COLOR (or a terminal without colour): every colour prop is dropped. */
  color: boolean;
  /** False with --no-animation: spinners become static, the summary appears at once. */
  animation: boolean;
}

/** The live objects of this run. Mutable on purpose: they are not state to draw, they are handles. */
export interface Session {
  connection?: Connection;
  /** The last package built, keyed by source and runtime, so the handler, review and deploy share it. */
  pkg?: SessionPackage;
  /** Each field's value as typed, by field, and the value it started from (hooks/use-draft.ts). */
  drafts?: Map<string, { base: string; value: unknown }>;
  /** Everything in flight; Ctrl-C aborts them all. */
  controllers: Set<AbortController>;
  /** The wizard's outermost box: the command measures the last frame, to end one that fills the screen. */
  frame?: DOMElement;
}

export interface WizardContextValue {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
  services: WizardServices;
  options: UiOptions;
  session: Session;
  /** The one place the wizard ends: the command maps this to the exit code. */
  exit: (code: number, note?: string) => void;
  /** A step may take Esc for itself (e.g. back from a sub-field); return true when handled. */
  backHandler: MutableRefObject<(() => boolean) | undefined>;
}

export const WizardContext = createContext<WizardContextValue | undefined>(undefined);

export function useWizard(): WizardContextValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error('useWizard outside <App>');
  return value;
}
