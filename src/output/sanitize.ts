/**
 * Log content is attacker-controlled: a user agent or error message can carry ANSI escapes that move the
 * cursor, rewrite earlier lines or set the window title. Before a field reaches a terminal, every C0/C1
 * control character (and DEL) is shown as a visible escape instead of being interpreted.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function neutralize(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
