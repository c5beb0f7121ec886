/**
 * Power BI assets and the data dictionary, generated from the gold schema (schema.ts) so they cannot drift: the Power
 * BI project (powerbi-project/: TMDL semantic model and PBIR report), the relationship diagram and the dictionary.
 * `npx tsx shared/gold/generate-powerbi.ts` writes them into powerbi/ (and removes what it no longer writes); a test
 * fails when the committed files differ.
 */
import { projectFiles } from './powerbi-project/project.js';
import { MEASURES, RELATIONSHIPS } from './powerbi-project/semantic-model.js';
import { GOLD_TABLES } from './schema.js';

/** Relationships of the semantic model as a mermaid ER diagram (dimension ||--o{ fact). */
export function relationshipsMermaid(): string {
  return (
    'erDiagram\n' + RELATIONSHIPS.map((r) => `    ${r.to[0]} ||--o{ ${r.from[0]} : "${r.from[1]}"`).join('\n') + '\n'
  );
}

/** The data dictionary (Markdown): every table, its grain, partitions and columns with type, unit and meaning. */
export function dataDictionary(): string {
  const out = [
    '# Gold data dictionary',
    '',
    'Generated from shared/gold/schema.ts. Files: `gold/<table>/<partitions>/part-0.parquet`, each with a lineage manifest `_lineage.json` beside it. TIMESTAMP columns are UTC instants (Parquet TIMESTAMP, isAdjustedToUTC); DATE is a calendar date; BOOLEAN true/false.',
    '',
  ];
  for (const t of GOLD_TABLES) {
    out.push(
      `## ${t.name} (${t.kind})`,
      '',
      `Grain: ${t.grain}.  `,
      `Partitions: ${t.partitions.length ? t.partitions.join(' / ') : 'none (one file)'}.  `,
      `Key: ${t.key.join(', ')}.`,
    );
    out.push('', '| column | type | unit | nullable | meaning |', '|---|---|---|---|---|');
    for (const c of t.columns)
      out.push(
        `| ${c.name} | ${c.type} | ${c.unit ?? ''} | ${c.nullable ? 'yes' : 'no'} | ${c.description.replaceAll('|', '\\|')} |`,
      );
    const measures = MEASURES.filter((m) => m.table === t.name);
    if (measures.length) {
      out.push('', 'Measures (semantic model):', '', '| measure | DAX | meaning |', '|---|---|---|');
      for (const m of measures)
        out.push(`| ${m.name} | \`${m.dax.replaceAll('|', '\\|')}\` | ${m.description.replaceAll('|', '\\|')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Every generated file, path relative to the repository root → content. */
export function powerBiFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, content] of projectFiles()) files.set(`powerbi/${path}`, content);
  files.set(
    'powerbi/relationships.md',
    "# Gold star schema relationships\n\nThe semantic model's relationships (many-to-one, filtering from the dimension).\n\n```mermaid\n" +
      relationshipsMermaid() +
      '```\n',
  );
  files.set('powerbi/data-dictionary.md', dataDictionary());
  return files;
}
