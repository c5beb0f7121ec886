/**
 * Physics engine CLI.
 *   npm run --silent pde -- run <model.json> [--full]   one JSON result on stdout (arrays summarised unless --full)
 *   npm run pde -- list [--json]                         the model kinds and their parameters (with defaults)
 * Exit codes: 0 ok · 2 usage or invalid configuration (the message names the field) · 1 the model failed (typed error).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PhysicsError } from './errors.js';
import { MODEL_SCHEMAS, MODEL_SUMMARIES } from './config/schemas.js';
import { runModel, summarize } from './config/run-model.js';

function usage(): never {
  console.error('usage: pde run <model.json> [--full]\n       pde list [--json]');
  process.exit(2);
}

interface ParamDoc {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

function describeParameters(name: keyof typeof MODEL_SCHEMAS): ParamDoc[] {
  const schema = MODEL_SCHEMAS[name].shape.parameters;
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const typeOf = (p: Record<string, unknown>): string => {
    if (p.enum) return (p.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
    if (p.type) return String(p.type);
    if (p.anyOf) return (p.anyOf as Record<string, unknown>[]).map(typeOf).join(' | ');
    if (p.const !== undefined) return JSON.stringify(p.const);
    return 'object';
  };
  return Object.entries(js.properties ?? {}).map(([k, p]) => ({
    name: k,
    type: typeOf(p),
    required: (js.required ?? []).includes(k) && p.default === undefined,
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
}

function list(json: boolean): void {
  const models = (Object.keys(MODEL_SCHEMAS) as (keyof typeof MODEL_SCHEMAS)[]).map((name) => ({
    modelName: name,
    summary: MODEL_SUMMARIES[name],
    parameters: describeParameters(name),
  }));
  if (json) {
    console.log(JSON.stringify(models, null, 2));
    return;
  }
  for (const m of models) {
    console.log(`${m.modelName}\n  ${m.summary}`);
    for (const p of m.parameters) {
      const def = p.default !== undefined ? ` = ${JSON.stringify(p.default).slice(0, 60)}` : '';
      console.log(
        `    ${p.name}${p.required ? ' (required)' : ''}: ${p.type}${def}${p.description ? `  — ${p.description}` : ''}`,
      );
    }
    console.log('');
  }
  console.log('Config shape: { "modelName": <kind>, "parameters": { ... }, "description"?: string }');
}

function run(file: string, full: boolean): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`Cannot read ${file}: ${(e as Error).message}`);
    process.exit(2);
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    console.error(`${file} is not valid JSON: ${(e as Error).message}`);
    process.exit(2);
  }
  try {
    const out = runModel(cfg);
    console.log(JSON.stringify(full ? out : summarize(out), null, 2));
  } catch (e) {
    if (e instanceof PhysicsError) {
      if (e.code === 'ERR-PHYS-CONFIG') {
        console.error(`Invalid configuration in ${file}: field "${e.quantity}": ${e.message}`);
        process.exit(2);
      }
      console.error(`Model failed [${e.code}] on ${e.quantity}: ${e.message}`);
      process.exit(1);
    }
    console.error(`Model failed: ${(e as Error).message}`);
    process.exit(1);
  }
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'list') list(rest.includes('--json'));
else if (cmd === 'run') {
  const file = rest.find((a) => !a.startsWith('--'));
  if (!file) usage();
  run(file, rest.includes('--full'));
} else usage();
