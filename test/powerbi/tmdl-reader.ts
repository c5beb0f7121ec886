/**
 * Reads the parts of TMDL the project checks rely on, from the files as written (not from the generator's data):
 * tables with their columns, measures, partition sources and refresh-policy sources; expressions; relationships.
 * TMDL nests by tabs: an object at depth d has its properties at d + 1 and a multi-line expression at d + 2 or deeper.
 */

export interface TmdlColumn {
  name: string;
  props: Record<string, string>;
}
export interface TmdlTable {
  name: string;
  props: Record<string, string>;
  columns: TmdlColumn[];
  measures: { name: string; dax: string }[];
  /** M of each partition and of the refresh policy, by where it was found. */
  m: { where: string; text: string }[];
}
export interface TmdlModel {
  tables: Map<string, TmdlTable>;
  expressions: { name: string; text: string }[];
  relationships: { from: string; to: string }[];
}

const depth = (line: string) => line.length - line.replace(/^\t+/, '').length;
const unquote = (name: string) => (name.startsWith("'") ? name.slice(1, -1).replaceAll("''", "'") : name);

/** Splits `name = value` (name possibly quoted) at the first ` = ` outside quotes. */
function nameAndValue(rest: string): [string, string | undefined] {
  const m = /^('(?:[^']|'')*'|[^\s=]+)(?:\s*=\s*(.*))?$/.exec(rest.trim());
  if (!m) throw new Error(`unreadable TMDL declaration "${rest}"`);
  return [unquote(m[1]!), m[2]];
}

/** Lines of the expression that follows line i (deeper than `d + 1`), with their common indentation removed. */
function block(lines: string[], i: number, d: number): { text: string; next: number } {
  const out: string[] = [];
  let j = i + 1;
  while (j < lines.length && (lines[j]!.trim() === '' || depth(lines[j]!) > d + 1)) out.push(lines[j++]!);
  while (out.length && out.at(-1)!.trim() === '') {
    out.pop();
    j--;
  }
  const indent = Math.min(...out.filter((l) => l.trim()).map(depth));
  return { text: out.map((l) => l.slice(indent)).join('\n'), next: j };
}

/** Reads TMDL files (path relative to definition/ → text). */
export function readTmdl(files: Map<string, string>): TmdlModel {
  const model: TmdlModel = { tables: new Map(), expressions: [], relationships: [] };
  for (const [path, text] of files) {
    const lines = text.split('\n');
    let table: TmdlTable | undefined;
    let column: TmdlColumn | undefined;
    let relationship: { from: string; to: string } | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('///')) continue;
      const d = depth(line);
      const [keyword, ...restParts] = trimmed.split(' ');
      const rest = restParts.join(' ');
      if (d === 0 && keyword === 'table') {
        table = { name: nameAndValue(rest)[0], props: {}, columns: [], measures: [], m: [] };
        model.tables.set(table.name, table);
      } else if (d === 0 && keyword === 'expression') {
        const [name, value] = nameAndValue(rest);
        if (value === '' || value === undefined) {
          const b = block(lines, i, d);
          model.expressions.push({ name, text: b.text });
          i = b.next - 1;
        } else model.expressions.push({ name, text: value });
      } else if (d === 0 && keyword === 'relationship') {
        relationship = { from: '', to: '' };
        model.relationships.push(relationship);
      } else if (d === 1 && relationship && (keyword === 'fromColumn:' || keyword === 'toColumn:')) {
        relationship[keyword === 'fromColumn:' ? 'from' : 'to'] = rest;
      } else if (table && d === 1 && keyword === 'column') {
        column = { name: nameAndValue(rest)[0], props: {} };
        table.columns.push(column);
      } else if (table && d === 1 && keyword === 'measure') {
        const [name, dax] = nameAndValue(rest);
        table.measures.push({ name, dax: dax ?? '' });
        column = undefined;
      } else if (table && d === 1 && (keyword === 'partition' || keyword === 'refreshPolicy')) {
        column = undefined;
        const where = keyword === 'partition' ? `partition ${nameAndValue(rest)[0]}` : 'refreshPolicy';
        for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || depth(lines[j]!) > 1); j++) {
          const p = lines[j]!.trim();
          if (p === 'source =' || p === 'sourceExpression =') {
            const b = block(lines, j, depth(lines[j]!) - 1);
            table.m.push({ where: `${path} ${where} ${p.split(' ')[0]}`, text: b.text });
            j = b.next - 1;
          }
          i = j;
        }
      } else if (table && d === 1 && trimmed.includes(':')) {
        const k = trimmed.indexOf(':');
        table.props[trimmed.slice(0, k)] = trimmed.slice(k + 1).trim();
      } else if (column && d === 2) {
        const k = trimmed.indexOf(':');
        if (k > 0) column.props[trimmed.slice(0, k)] = trimmed.slice(k + 1).trim();
        else column.props[trimmed] = 'true';
      } else if (d <= 1) column = undefined;
    }
  }
  return model;
}
