import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { plantModelJsonSchemaText } from './json-schema.js';
import { PlantIndex } from './plant-index.js';
import { parsePlantModel, PlantModelError } from './plant-model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
const twoTech = () => read('plants/two-technologies.json');

/** The problems of a model, as `path: reason`, or [] when it is valid. */
function problems(model: unknown): string[] {
  try {
    parsePlantModel(model);
    return [];
  } catch (e) {
    if (e instanceof PlantModelError) return [...e.problems];
    throw e;
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const edit = (change: (m: Json) => void) => {
  const m = twoTech();
  change(m);
  return m;
};

describe('the plant model', () => {
  it('reads both shipped plants, and the two-technology plant keeps each line on its own technology and limits', () => {
    const index = new PlantIndex(parsePlantModel(twoTech()));
    expect(index.lines().map((l) => [l.line.lineId, l.technology.nominalCurrentKA])).toEqual([
      ['L1', 180],
      ['L2', 400],
    ]);
    expect(index.envelopeLimitsFor('L2-LINE')?.fields.lineCurrentKA).toMatchObject({ min: 370, max: 420 });
    expect(index.envelopeLimitsFor('L1-C007')?.fields.lineCurrentKA).toMatchObject({ min: 160, max: 195 });
    expect(index.envelopeLimitsFor('L9-C001')).toBeUndefined();
    expect(index.cell('L2-C051')).toMatchObject({
      line: { line: { lineId: 'L2' } },
      cell: { row: 1, column: 1, side: 'B' },
    });
    expect(problems(read('plants/test-plant.json'))).toEqual([]);
  });

  it('names the public source of every design value of the shipped technologies', () => {
    for (const file of ['plants/two-technologies.json', 'plants/test-plant.json']) {
      const model = parsePlantModel(read(file));
      for (const [id, t] of Object.entries(model.technologies)) {
        const keys = Object.keys(t).filter((k) => k !== 'name' && k !== 'sources');
        const covered = (k: string) =>
          t.sources[k] !== undefined || Object.keys(t.sources).some((s) => s.startsWith(`${k}.`));
        expect(
          keys.filter((k) => !covered(k)),
          `${file} ${id}`,
        ).toEqual([]);
      }
    }
  });

  it('refuses each kind of bad model with its own error naming the path', () => {
    expect(problems(edit((m) => (m.areas[0].lines[0].envelope.fields.acdCm.min = 9)))).toEqual([
      'areas.0.lines.0.envelope.fields.acdCm.min: min must not exceed max',
    ]);
    expect(problems(edit((m) => delete m.areas[1].lines[0].rectifier))).toEqual([
      expect.stringMatching(/^areas\.1\.lines\.0\.rectifier: /),
    ]);
    expect(
      problems(
        edit((m) => {
          m.areas[0].lines[0].tagMap = [
            { plantTag: 'POT_V', tag: 'cellVoltage', unit: 'V' },
            { plantTag: 'POT_V', tag: 'bathTemp', unit: 'degC' },
          ];
        }),
      ),
    ).toEqual(['areas.0.lines.0.tagMap.1.plantTag: plant tag "POT_V" is mapped twice on line L1']);
    expect(
      problems(
        edit((m) => {
          m.areas[0].lines[0].tagMap = [
            { plantTag: 'POT_V', tag: 'cellVoltage', unit: 'V' },
            { plantTag: 'POT_V2', tag: 'cellVoltage', unit: 'V' },
          ];
        }),
      ),
    ).toEqual(['areas.0.lines.0.tagMap.1.tag: canonical tag "cellVoltage" is mapped twice on line L1']);
    expect(
      problems(edit((m) => (m.areas[0].lines[0].tagMap = [{ plantTag: 'POT_T', tag: 'bathTemp', unit: 'mV' }]))),
    ).toEqual(['areas.0.lines.0.tagMap.0.unit: unit "mV" cannot be converted to bathTemp (accepted: degC, degF, K)']);
    expect(
      problems(edit((m) => (m.areas[0].lines[0].tagMap = [{ plantTag: 'bathTemp', tag: 'shellTemp', unit: 'degC' }]))),
    ).toEqual([
      'areas.0.lines.0.tagMap.0.plantTag: plant tag "bathTemp" is the name of the canonical tag bathTemp; it cannot stand for shellTemp',
    ]);
    // A cell on two lines: named for the other line, and already there.
    expect(problems(edit((m) => (m.areas[1].lines[0].cells[0].cellId = 'L1-C001')))).toEqual([
      "areas.1.lines.0.cells.0.cellId: cell L1-C001 must be named L2-<cell> (the line's id, a dash, then the cell)",
      'areas.1.lines.0.cells.0.cellId: cell L1-C001 is also on line L1',
    ]);
    expect(problems(edit((m) => (m.areas[1].lines[0].lineId = 'L1')))).toContain(
      'areas.1.lines.0.lineId: line L1 is also defined at areas.0.lines.0',
    );
    expect(problems(edit((m) => (m.areas[0].lines[0].technology = 'soderberg-90')))).toEqual([
      'areas.0.lines.0.technology: technology "soderberg-90" is not defined under technologies (prebake-180, prebake-400)',
    ]);
    expect(problems(edit((m) => (m.areas[1].lines[0].envelope.fields.lineCurrentKA.max = 500)))).toEqual([
      "areas.1.lines.0.envelope.fields.lineCurrentKA: the envelope's line current [370, 500] kA must lie within the rectifier rating [360, 425] kA",
    ]);
    expect(problems(edit((m) => (m.areas[0].lines[0].cells[1].column = 1)))).toEqual([
      'areas.0.lines.0.cells.1.column: two cells of line L1 stand at row 1, column 1, side A',
    ]);
    expect(problems(edit((m) => (m.technologies['prebake-400'].anodes.count = 0)))).toEqual([
      expect.stringMatching(/^technologies\.prebake-400\.anodes\.count: /),
    ]);
  });

  it('is described by the committed JSON Schema, which an editor’s validator accepts the shipped plants with', () => {
    const text = readFileSync(path.join(root, 'plants/plant-model.schema.json'), 'utf8');
    expect(text, 'run npm run plant -- schema').toBe(plantModelJsonSchemaText());
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(text) as object);
    for (const file of ['plants/two-technologies.json', 'plants/test-plant.json'])
      expect(validate(read(file)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(edit((m) => (m.areas[0].lines[0].cells[0].side = 'C')))).toBe(false);
  });
});
