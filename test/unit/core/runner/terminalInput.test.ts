import { strict as assert } from 'node:assert';
import { TerminalInput, toTerminalNewlines } from '../../../../src/core/runner/terminalInput';

describe('TerminalInput (line discipline for a run terminal)', () => {
  it('echoes typing and sends the line on Enter', () => {
    const input = new TerminalInput();
    assert.deepEqual(input.feed('ye'), [{ kind: 'echo', text: 'y' }, { kind: 'echo', text: 'e' }]);
    assert.deepEqual(input.feed('s\r'), [{ kind: 'echo', text: 's' }, { kind: 'echo', text: '\r\n' }, { kind: 'stdin', text: 'yes\n' }]);
  });

  it('Backspace edits the line; nothing to erase is a no-op', () => {
    const input = new TerminalInput();
    input.feed('nox');
    assert.deepEqual(input.feed('\x7f'), [{ kind: 'echo', text: '\b \b' }]);
    assert.deepEqual(input.feed('\r').at(-1), { kind: 'stdin', text: 'no\n' });
    assert.deepEqual(input.feed('\x7f'), []);
  });

  it('Ctrl+C interrupts and clears the line; Ctrl+D sends what is typed and ends input', () => {
    const input = new TerminalInput();
    input.feed('abc');
    assert.deepEqual(input.feed('\x03'), [{ kind: 'echo', text: '^C\r\n' }, { kind: 'interrupt' }]);
    input.feed('tail');
    assert.deepEqual(input.feed('\x04'), [{ kind: 'stdin', text: 'tail' }, { kind: 'end-of-input' }]);
  });

  it('ignores escape sequences and other control characters', () => {
    const input = new TerminalInput();
    assert.deepEqual(input.feed('\x1b[A\x1b[1;5C\x1bOP\x01\x1b'), []);
    assert.deepEqual(input.feed('é\r').map((a) => a.kind), ['echo', 'echo', 'stdin']);
  });

  it('converts newlines for the terminal', () => {
    assert.equal(toTerminalNewlines('a\nb\r\nc'), 'a\r\nb\r\nc');
  });
});
