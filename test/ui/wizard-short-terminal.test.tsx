// On a terminal shorter than a list, the list shows fewer rows so the whole frame fits: the header
// (step, target) stays at the top and the key hint at the bottom, rather than scrolling away.
import { act } from 'react';
import { Box, Text, type DOMElement } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Menu } from '../../src/ui/components.js';
import { WizardContext, type Session, type WizardContextValue } from '../../src/ui/context.js';
import { initialState } from '../../src/wizard/state.js';
import { fitWindow } from '../../src/wizard/filter.js';
import { fakeConnection, fakeServices, KEY, press, renderApp, service, stateAt, waitForFrame } from './helpers.js';

/** Gives the test terminal a height (ink-testing-library's has none) and tells the app it changed. */
function setRows(app: ReturnType<typeof renderApp>, rows: number): void {
  Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
  act(() => {
    app.stdout.emit('resize');
  });
}

const HINT = 'Enter confirm · Esc back · Ctrl-C quit';

/**
 * A whole frame (not the clear-screen a resize writes first) that fits `rows`: one row stays free,
 * since a frame as tall as the terminal scrolls.
 */
function fits(frame: string, rows: number): boolean {
  return frame.startsWith('fcw · step') && frame.split('\n').length <= rows - 1;
}

describe('a list on a short terminal', () => {
  it('the runtime list at 20 rows keeps the header and the hint on screen, as the highlight moves', async () => {
    const app = renderApp(fakeServices(), {
      initial: stateAt('runtime', { service: { name: 'demo', isNew: false }, functionName: 'f' }),
    });
    await waitForFrame(app, /❯ nodejs20/);
    setRows(app, 20);
    let frame = await waitForFrame(app, (f) => fits(f, 20));
    expect(frame).toMatch(/^fcw · step 4\/9 · Runtime/);
    expect(frame).toContain(HINT);
    expect(frame).toMatch(/❯ nodejs20/);
    for (let i = 0; i < 14; i++) await press(app, KEY.down);
    frame = await waitForFrame(app, (f) => fits(f, 20) && !f.includes('❯ nodejs'));
    expect(frame).toMatch(/^fcw · step 4\/9 · Runtime/);
    expect(frame).toContain(HINT);
    expect(frame).toMatch(/↑ \d+ more/);
    // Taller again: the list gets its rows back.
    setRows(app, 40);
    frame = await waitForFrame(app, (f) => fits(f, 40) && (f.match(/^ {2}\S+\s{2,}/gm) ?? []).length >= 9);
    expect(frame).toContain(HINT);
  });

  it('the service list at 14 rows, with 30 services', async () => {
    const many = Array.from({ length: 30 }, (_, i) => service(`svc-${String(i).padStart(2, '0')}`));
    const app = renderApp(fakeServices(), {
      initial: stateAt('service'),
      connection: fakeConnection({ services: many }),
    });
    await waitForFrame(app, '30 services');
    setRows(app, 14);
    const frame = await waitForFrame(app, (f) => fits(f, 14));
    expect(frame).toMatch(/^fcw · step 2\/9 · Service/);
    expect(frame).toContain(HINT);
    expect(frame).toMatch(/❯ svc-00/);
  });
});

describe('two lists on one screen', () => {
  it('both give up rows until the frame fits, and settle (no taking turns)', async () => {
    const session: Session = { controllers: new Set() };
    const value: WizardContextValue = {
      state: initialState(),
      dispatch: () => undefined,
      services: fakeServices(),
      options: { color: false, animation: false },
      session,
      exit: () => undefined,
      backHandler: { current: undefined },
    };
    const items = (prefix: string) => Array.from({ length: 12 }, (_, i) => ({ label: `${prefix}${i}`, value: i }));
    let renders = 0;
    const Screen = () => {
      renders++;
      return (
        <Box
          flexDirection="column"
          ref={(box: DOMElement | null) => {
            session.frame = box ?? undefined;
          }}
        >
          <Text>header</Text>
          <Menu items={items('a')} onSelect={() => undefined} limit={10} />
          <Menu items={items('b')} onSelect={() => undefined} limit={10} isActive={false} />
          <Text>{HINT}</Text>
        </Box>
      );
    };
    const app = render(
      <WizardContext.Provider value={value}>
        <Screen />
      </WizardContext.Provider>,
    );
    await waitForFrame(app, 'header');
    Object.defineProperty(app.stdout, 'rows', { value: 20, configurable: true });
    act(() => {
      app.stdout.emit('resize');
    });
    const frame = await waitForFrame(app, (f) => f.startsWith('header') && f.split('\n').length <= 19);
    expect(frame).toContain(HINT);
    const settled = renders;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(renders).toBe(settled);
    app.unmount();
  });
});

describe('fitWindow', () => {
  it('counts rows, group headings and the more-lines, keeping the highlighted row', () => {
    const groups = ['a', 'a', 'b', 'b', 'c', 'c'];
    const startsGroup = (i: number, start: number) => i === start || groups[i] !== groups[i - 1];
    expect(fitWindow(6, 0, 10, Infinity, startsGroup)).toEqual({ start: 0, end: 6, lines: 9 });
    const fitted = fitWindow(6, 4, 10, 5, startsGroup);
    expect(fitted.lines).toBeLessThanOrEqual(5);
    expect(fitted.start <= 4 && 4 < fitted.end).toBe(true);
    // Never fewer than the highlighted row, however few lines there are.
    expect(fitWindow(6, 3, 10, 1, startsGroup)).toMatchObject({ start: 3, end: 4 });
  });
});
