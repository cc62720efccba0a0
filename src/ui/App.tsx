// The wizard's root: owns the reducer, the session and the one key handler that is active the
// whole time (Ctrl-C cancels everything and exits 130; Esc goes back a step). Each step is its own
// component, remounted by key, so only the current step's inputs listen (every active useInput
// sees every key: docs/terminal-notes.md, 5).
import { useCallback, useMemo, useReducer, useRef } from 'react';
import { Box, useInput, type DOMElement } from 'ink';
import { cancelNote } from '../wizard/cancel-note.js';
import { wizardReducer, type WizardAction } from '../wizard/reducer.js';
import { initialState, type WizardState } from '../wizard/state.js';
import { INPUT_STEPS, STEPS } from '../wizard/steps.js';
import { WizardContext, type Session, type UiOptions, type WizardContextValue } from './context.js';
import { Header } from './Header.js';
import { useRedrawOnResize } from './hooks/use-redraw-on-resize.js';
import type { WizardServices } from './services.js';
import { TargetStep } from './steps/TargetStep.js';
import { ServiceStep } from './steps/ServiceStep.js';
import { FunctionStep } from './steps/FunctionStep.js';
import { RuntimeStep } from './steps/RuntimeStep.js';
import { CodeStep } from './steps/CodeStep.js';
import { HandlerStep } from './steps/HandlerStep.js';
import { LimitsStep } from './steps/LimitsStep.js';
import { MoreStep } from './steps/MoreStep.js';
import { ReviewStep } from './steps/ReviewStep.js';
import { DeployStep } from './steps/DeployStep.js';
import { SummaryStep } from './steps/SummaryStep.js';

import { EXIT } from '../core/errors.js';

export interface AppProps {
  services: WizardServices;
  options: UiOptions;
  /** `note`: said after "cancelled" (a write was already sent when Ctrl-C came). */
  onExit: (code: number, note?: string) => void;
  /** Tests start on a later step; the wizard itself starts empty. */
  initial?: WizardState;
  /** The session to use (tests pre-connect it; the command closes what it holds on exit). */
  session?: Session;
}

const SCREENS = {
  target: TargetStep,
  service: ServiceStep,
  function: FunctionStep,
  runtime: RuntimeStep,
  code: CodeStep,
  handler: HandlerStep,
  limits: LimitsStep,
  more: MoreStep,
  review: ReviewStep,
  deploy: DeployStep,
  summary: SummaryStep,
} as const;

/** Each step remounts on entry; each deploy attempt too (its elapsed time starts again on Retry). */
function screenKey(state: WizardState): string {
  const d = state.deploy;
  return state.step === 'deploy' && (d.status === 'running' || d.status === 'failed')
    ? `deploy-${d.attempt}`
    : state.step;
}

export function App({ services, options, onExit, initial, session: given }: AppProps) {
  const [state, dispatch] = useReducer(
    wizardReducer as (s: WizardState, a: WizardAction) => WizardState,
    initial ?? initialState(),
  );
  const sessionRef = useRef<Session>(given ?? { controllers: new Set() });
  const backHandler = useRef<(() => boolean) | undefined>(undefined);
  const exited = useRef(false);
  useRedrawOnResize();
  // Set as the box mounts, before any effect: a list measures the frame in its first effect, and
  // children's effects run before their parent's.
  const frame = useCallback((box: DOMElement | null) => {
    sessionRef.current.frame = box ?? undefined;
  }, []);

  const exit = useCallback(
    (code: number, note?: string) => {
      if (exited.current) return;
      exited.current = true;
      for (const c of sessionRef.current.controllers) c.abort();
      onExit(code, note);
    },
    [onExit],
  );

  // The root handler: active for the app's whole life, so raw mode stays on and Ctrl-C always
  // reaches us (docs/terminal-notes.md, 4). Ink's own Ctrl-C exit is off (exitOnCtrlC: false).
  useInput((input, key) => {
    // A Ctrl-C inside a chunk of other keys comes as a raw \x03 in `input`, not as key.ctrl.
    if ((key.ctrl && input === 'c') || input.includes('\u0003')) {
      exit(EXIT.cancelled, cancelNote(state));
      return;
    }
    if (key.escape) {
      if (backHandler.current?.()) return;
      dispatch({ type: 'back' });
    }
  });

  const value = useMemo<WizardContextValue>(
    () => ({ state, dispatch, services, options, session: sessionRef.current, exit, backHandler }),
    [state, services, options, exit],
  );
  const Screen = SCREENS[state.step];
  const index = INPUT_STEPS.indexOf(state.step as (typeof INPUT_STEPS)[number]);
  const stepNumber = index >= 0 ? index + 1 : INPUT_STEPS.length + 1;
  return (
    <WizardContext.Provider value={value}>
      <Box ref={frame} flexDirection="column">
        <Header
          target={state.target}
          step={Math.min(stepNumber, INPUT_STEPS.length + 1)}
          total={INPUT_STEPS.length + 1}
          title={STEPS[state.step].title}
        />
        <Screen key={screenKey(state)} />
      </Box>
    </WizardContext.Provider>
  );
}
