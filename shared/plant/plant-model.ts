/**
 * Loading a plant model: validated once, with every error naming its path, and turned into the index every part
 * reads (plant-index.ts). An invalid model is refused as a whole: nothing of it is applied.
 */
import { DomainError } from '../kernel/errors.js';
import { PlantModel } from './schema.js';

export class PlantModelError extends DomainError {
  constructor(
    field: string,
    detail: string,
    /** Every problem found, as `path: reason`. */
    readonly problems: readonly string[] = [],
  ) {
    super(
      'invalid-input',
      'ERR-PLANT-MODEL-INVALID',
      `Plant model ${field || '(root)'}: ${detail}${problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).join('; ')})` : ''}`,
      field || '(root)',
    );
  }
}

/** Parses a plant model (the JSON of a plant file or of PUT v1/plant); throws PlantModelError naming every bad path. */
export function parsePlantModel(value: unknown): PlantModel {
  const parsed = PlantModel.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const first = parsed.error.issues[0]!;
  return throwError(first.path.map(String).join('.'), first.message, problems);
}

function throwError(field: string, detail: string, problems: string[]): never {
  throw new PlantModelError(field, detail, problems);
}
