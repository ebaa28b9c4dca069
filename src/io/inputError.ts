/**
 * A problem with what the user gave us (a file, a flag, a sidecar), as opposed to a bug.
 * The message is one line that names the input and the problem, so the CLI and the UI can show it as is.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
