/**
 * Names reach the terminal from users and files: a service name, a project folder, a plugin's reason.
 * Printed raw, a C0 or C1 control (ESC, or U+009B, a one-byte CSI) can drive the terminal, and a bidi
 * control (U+202E and the rest) can reorder what the reader sees. Human output shows each as a `\uXXXX`
 * escape; JSON output keeps names exact.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

const escapeOne = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`

/** One line of human output: every control and bidi character escaped. */
export const escapeText = (text: string): string => text.replace(UNSAFE, escapeOne)

/** Several lines: the line breaks stay, everything else unsafe is escaped. */
export const escapeLines = (text: string): string => text.split('\n').map(escapeText).join('\n')
