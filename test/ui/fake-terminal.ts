// A terminal as Ink sees it, for tests that render the wizard the way `fcw` does (not through
// ink-testing-library's debug mode): a TTY whose size the test sets, recording every write, and a
// keyboard the test types on.
import { EventEmitter } from 'node:events';

export class FakeTerminal extends EventEmitter {
  isTTY = true;
  written = '';
  constructor(
    public columns = 120,
    public rows = 40,
  ) {
    super();
  }
  write = (data: string | Uint8Array) => {
    this.written += typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    return true;
  };
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeKeyboard extends EventEmitter {
  isTTY = true;
  private pending: string[] = [];
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => this.pending.shift() ?? null;
  type(data: string) {
    this.pending.push(data);
    this.emit('readable');
  }
}
