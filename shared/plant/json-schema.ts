/**
 * The JSON Schema of the plant model, generated from the zod schema (the source), so an engineer's editor validates
 * a plant file while typing. plants/plant-model.schema.json is this text; a test keeps the two identical.
 */
import { z } from 'zod';
import { PlantModel } from './schema.js';

/** The schema document as written to plants/plant-model.schema.json (stable formatting). */
export function plantModelJsonSchemaText(): string {
  const schema = z.toJSONSchema(PlantModel, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Smelter plant model', $id: 'plant-model.schema.json' }, null, 2)}\n`;
}
