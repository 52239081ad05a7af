/** What one keystroke (or pasted text) in a run's terminal means. */
export type TerminalAction =
  | { readonly kind: 'echo'; readonly text: string } //    show to the person (the child has no tty to echo)
  | { readonly kind: 'stdin'; readonly text: string } //   a finished line for the child's stdin
  | { readonly kind: 'interrupt' } //                      Ctrl+C: SIGINT to the process group
  | { readonly kind: 'end-of-input' }; //                  Ctrl+D: close the child's stdin

/**
 * A minimal line discipline for a pseudoterminal whose child reads a pipe, not a tty: printable input is
 * echoed and collected, Backspace edits, Enter sends the line (with `\n`), Ctrl+C interrupts, Ctrl+D ends
 * input. Other control characters and escape sequences (arrow keys) are ignored.
 */
export class TerminalInput {
  private line = '';

  feed(data: string): TerminalAction[] {
    const actions: TerminalAction[] = [];
    // Drop escape sequences (arrows, function keys) as a whole.
    // eslint-disable-next-line no-control-regex -- matching terminal control sequences is the point
    const plain = data.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[O\]][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b./g, '');
    for (const ch of plain) {
      if (ch === '\x03') {
        this.line = '';
        actions.push({ kind: 'echo', text: '^C\r\n' }, { kind: 'interrupt' });
      } else if (ch === '\x04') {
        if (this.line !== '') actions.push({ kind: 'stdin', text: this.line });
        this.line = '';
        actions.push({ kind: 'end-of-input' });
      } else if (ch === '\r' || ch === '\n') {
        actions.push({ kind: 'echo', text: '\r\n' }, { kind: 'stdin', text: `${this.line}\n` });
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line !== '') {
          this.line = [...this.line].slice(0, -1).join('');
          actions.push({ kind: 'echo', text: '\b \b' });
        }
      } else if (ch >= ' ') {
        this.line += ch;
        actions.push({ kind: 'echo', text: ch });
      }
    }
    return actions;
  }
}

/** Converts output newlines for a terminal (`\n` → `\r\n`), leaving existing `\r\n` alone. */
export const toTerminalNewlines = (text: string): string => text.replace(/\r?\n/g, '\r\n');
