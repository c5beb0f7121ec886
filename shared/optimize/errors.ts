/**
 * Typed errors of the set-point optimiser. Every failure carries a stable code, the offending field (dotted
 * path) and a message a process engineer can act on.
 *
 * Codes:
 * - ERR-OPT-INPUT   the problem or user-constraint file does not match its schema (field = dotted path)
 * - ERR-OPT-MODEL   the steady-state prediction failed for a cell (physics out of its valid range)
 * - ERR-OPT-SOLVER  the LP solver failed in a way the trust-region loop could not absorb
 */
import type { z } from 'zod';
import { DomainError } from '../kernel/errors.js';

export type OptimizeErrorCode = 'ERR-OPT-INPUT' | 'ERR-OPT-MODEL' | 'ERR-OPT-SOLVER';

export class OptimizeError extends DomainError {
  constructor(
    override readonly code: OptimizeErrorCode,
    /** Dotted path of the field at fault, e.g. `cells.3.state.acdCm`. */
    override readonly field: string,
    message: string,
  ) {
    super(code === 'ERR-OPT-SOLVER' ? 'internal' : 'invalid-input', code, message, field);
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, field: this.field, message: this.message };
  }
}

/** Turns a zod failure into ERR-OPT-INPUT naming the first offending field (all issues are listed in the message). */
export function inputError(where: string, error: z.ZodError): OptimizeError {
  const issues = error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  const first = error.issues[0];
  const field = first ? [where, ...first.path.map(String)].join('.') : where;
  return new OptimizeError('ERR-OPT-INPUT', field, `Invalid ${field}: ${issues.join('; ')}`);
}
