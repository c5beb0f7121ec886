/** Errors the simulator raises: a stable code, the offending field and a message saying what to change. */
export type SimulatorErrorCode = 'SIM-CONFIG' | 'SIM-UNKNOWN-CELL' | 'SIM-SETPOINT' | 'SIM-SINK';

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** Turns a zod failure into a SimulatorError naming the first bad field. */
export function fromZodIssues(
  code: SimulatorErrorCode,
  what: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): SimulatorError {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join('.') || '(root)' : '(root)';
  return new SimulatorError(code, field, `${what}: ${field} ${issue?.message ?? 'is invalid'}`);
}
