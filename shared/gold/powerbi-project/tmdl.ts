/**
 * Writing TMDL (Tabular Model Definition Language) text: object names, descriptions, and multi-line expressions
 * indented the way Power BI Desktop writes them, so a saved project diffs cleanly against the generated one.
 */
import { createHash } from 'node:crypto';

/** An object name, in single quotes when it is not a plain identifier. */
export function tmdlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replaceAll("'", "''")}'`;
}

/** `/// description` lines placed above an object declaration at `indent` tabs. */
export function description(text: string | undefined, indent: number): string[] {
  if (!text) return [];
  return text.split('\n').map((l) => `${'\t'.repeat(indent)}/// ${l}`);
}

/**
 * `name = <expression>` for a multi-line expression: the declaration at `indent` tabs and every expression line two
 * tabs deeper (Desktop's layout); a one-line expression stays on the declaration line.
 */
export function expressionProperty(declaration: string, expression: string, indent: number): string[] {
  const lines = expression.split('\n');
  if (lines.length === 1) return [`${'\t'.repeat(indent)}${declaration} = ${expression}`];
  return [`${'\t'.repeat(indent)}${declaration} =`, ...lines.map((l) => `${'\t'.repeat(indent + 2)}${l}`)];
}

/** A stable GUID from a seed (lineage tags and logical ids must not change between generations). */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(`smelter-gold-powerbi|${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
