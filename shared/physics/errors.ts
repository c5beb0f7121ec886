import { DomainError } from '../kernel/errors.js';
/**
 * Typed errors of the physics engine. Every failure the library raises is a PhysicsError with a stable `code`
 * and the `quantity` at fault, so callers (API, optimiser, simulator) can act on it without parsing messages.
 *
 * Codes:
 * - ERR-PHYS-RANGE        an input or state is outside the valid range of a correlation or model
 * - ERR-PHYS-GRID         a degenerate mesh or grid (too few cells, non-positive or non-finite spacing)
 * - ERR-PHYS-CONFIG       an invalid model configuration (schema failure; `quantity` is the dotted field path)
 * - ERR-PHYS-LIMIT        a requested current density at or beyond a mass-transfer (concentration) limit
 * - ERR-PHYS-CONVERGENCE  an iterative solver did not converge
 * - ERR-PHYS-NONFINITE    a computation produced NaN or ±Infinity (guard; should never escape in practice)
 * - ERR-PHYS-DATA         calibration data are insufficient or inconsistent
 */
export type PhysicsErrorCode =
  | 'ERR-PHYS-RANGE'
  | 'ERR-PHYS-GRID'
  | 'ERR-PHYS-CONFIG'
  | 'ERR-PHYS-LIMIT'
  | 'ERR-PHYS-CONVERGENCE'
  | 'ERR-PHYS-NONFINITE'
  | 'ERR-PHYS-DATA';

export class PhysicsError extends DomainError {
  constructor(
    override readonly code: PhysicsErrorCode,
    /** The quantity (or dotted config field) at fault, with its unit in the name, e.g. `bathTempC`. */
    readonly quantity: string,
    message: string,
    readonly value?: number,
    readonly validRange?: readonly [number, number],
  ) {
    super(
      code === 'ERR-PHYS-CONVERGENCE' || code === 'ERR-PHYS-NONFINITE' ? 'internal' : 'invalid-input',
      code,
      message,
      quantity,
    );
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      quantity: this.quantity,
      message: this.message,
      value: this.value,
      validRange: this.validRange,
    };
  }
}

/** A closed interval [min, max] of validity, with the unit for messages. */
export interface ValidRange {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  /** Where the bounds come from (the correlation's published validity, or a physical limit). */
  readonly source?: string;
}

/** Throws ERR-PHYS-RANGE unless `value` is finite and inside `range`; returns the value for chaining. */
export function checkRange(quantity: string, value: number, range: ValidRange): number {
  if (!Number.isFinite(value)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      quantity,
      `${quantity} must be a finite number, got ${String(value)}`,
      value,
      [range.min, range.max],
    );
  }
  if (value < range.min || value > range.max) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      quantity,
      `${quantity} = ${value} ${range.unit} is outside the valid range [${range.min}, ${range.max}] ${range.unit}${range.source ? ` (${range.source})` : ''}`,
      value,
      [range.min, range.max],
    );
  }
  return value;
}

/** Throws ERR-PHYS-RANGE unless value is finite and > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(quantity: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      quantity,
      `${quantity} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${String(value)}`,
      value,
    );
  }
  return value;
}

/** Guard against NaN/Infinity escaping a computation. */
export function checkFinite(quantity: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new PhysicsError('ERR-PHYS-NONFINITE', quantity, `${quantity} evaluated to ${String(value)}`, value);
  }
  return value;
}
