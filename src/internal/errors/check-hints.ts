// How to fix a failed CHECK, by constraint name: the entity that declares a check knows what it
// means, the engine only repeats it (see the CheckHint decorator).
const hints = new Map<string, string>()

/** Makes the error of a violated `constraint` end with `hint`; a second call replaces the first. */
export function registerCheckHint(constraint: string, hint: string): void {
  hints.set(constraint, hint)
}

export function checkHint(constraint: string): string | undefined {
  return hints.get(constraint)
}
