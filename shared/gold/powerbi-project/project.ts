/**
 * The Power BI project (.pbip) over gold: the semantic model (TMDL) and the report (PBIR) in the folder layout Power BI
 * Desktop opens and saves, with the item files (.pbip, .platform, definition.pbism, definition.pbir) Microsoft's
 * published JSON schemas describe. Paths are relative to powerbi/.
 */
import { semanticModelDefinition, MODEL_NAME } from './semantic-model.js';
import { logicalId, reportDefinition } from './report.js';

export const PROJECT_SCHEMAS = {
  pbip: 'https://developer.microsoft.com/json-schemas/fabric/pbip/pbipProperties/1.0.0/schema.json',
  platform: 'https://developer.microsoft.com/json-schemas/fabric/gitIntegration/platformProperties/2.0.0/schema.json',
  pbism:
    'https://developer.microsoft.com/json-schemas/fabric/item/semanticModel/definitionProperties/1.0.0/schema.json',
  pbir: 'https://developer.microsoft.com/json-schemas/fabric/item/report/definitionProperties/2.0.0/schema.json',
} as const;

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

const platform = (type: 'SemanticModel' | 'Report', displayName: string, item: string) =>
  json({
    $schema: PROJECT_SCHEMAS.platform,
    metadata: { type, displayName },
    config: { version: '2.0', logicalId: logicalId(item) },
  });

/** Every file of the project, path relative to powerbi/ → content. */
export function projectFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const model = `${MODEL_NAME}.SemanticModel`;
  const report = `${MODEL_NAME}.Report`;
  files.set(
    `${MODEL_NAME}.pbip`,
    json({
      $schema: PROJECT_SCHEMAS.pbip,
      version: '1.0',
      artifacts: [{ report: { path: report } }],
      settings: { enableAutoRecovery: true },
    }),
  );
  // Desktop keeps per-user settings and the data cache beside the definition: never committed.
  files.set('.gitignore', '**/.pbi/localSettings.json\n**/.pbi/cache.abf\n');
  files.set(`${model}/.platform`, platform('SemanticModel', 'Smelter gold', model));
  // Version 4.0 and above: the model is the TMDL definition/ folder.
  files.set(`${model}/definition.pbism`, json({ $schema: PROJECT_SCHEMAS.pbism, version: '4.2', settings: {} }));
  for (const [path, content] of semanticModelDefinition()) files.set(`${model}/definition/${path}`, content);
  files.set(`${report}/.platform`, platform('Report', 'Smelter gold', report));
  files.set(
    `${report}/definition.pbir`,
    json({ $schema: PROJECT_SCHEMAS.pbir, version: '4.0', datasetReference: { byPath: { path: `../${model}` } } }),
  );
  for (const [path, content] of reportDefinition()) files.set(`${report}/${path}`, content);
  return files;
}
