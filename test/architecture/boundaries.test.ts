import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { SHARED_LAYERS } from '../../layers.config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const layers: Record<string, number> = SHARED_LAYERS;

/** Every non-test TypeScript file under shared/, with the shared/ folder it belongs to and its relative imports. */
function sharedFiles(): { file: string; folder: string; imports: string[] }[] {
  const out: { file: string; folder: string; imports: string[] }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const rel = path.relative(root, p);
        const imports = [...readFileSync(p, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
          path.relative(root, path.resolve(path.dirname(p), m[1]!)),
        );
        out.push({ file: rel, folder: rel.split(path.sep)[1]!, imports });
      }
    }
  };
  walk(path.join(root, 'shared'));
  return out;
}

/** Every TypeScript file the project owns, relative to the root. */
function ownFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(path.relative(root, p));
    }
  };
  for (const top of ['functions', 'shared', 'local', 'bench', 'test']) walk(path.join(root, top));
  return out;
}

describe('one file-naming rule and one error base', () => {
  it('names every TypeScript file in kebab-case', () => {
    expect(ownFiles().filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*\.ts$/.test(path.basename(f)))).toEqual([]);
  });

  it('derives every error class of shared/ from the domain error base (the HTTP kit’s ApiError aside)', () => {
    const plain = sharedFiles()
      .map((f) => f.file)
      .flatMap((file) =>
        [...readFileSync(path.join(root, file), 'utf8').matchAll(/class (\w+) extends Error\b/g)].map(
          (m) => `${file}: ${m[1]}`,
        ),
      )
      .filter((c) => !c.endsWith(': ApiError') && !c.endsWith(': DomainError') && !c.includes('KeysUnavailable'));
    expect(plain).toEqual([]);
  });
});

describe('the layers of shared/ (layers.config.js)', () => {
  const files = sharedFiles();
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    for (const target of f.imports) {
      const [top, folder] = target.split(path.sep);
      if (top !== 'shared' || folder === f.folder) continue;
      edges.set(f.folder, (edges.get(f.folder) ?? new Set()).add(folder!));
    }
  }

  it('gives every folder of shared/ a layer', () => {
    expect([...new Set(files.map((f) => f.folder))].filter((f) => layers[f] === undefined)).toEqual([]);
  });

  it('imports only from lower layers, so no import cycle between folders can exist', () => {
    const upward = [...edges].flatMap(([from, tos]) =>
      [...tos].filter((to) => layers[to]! >= layers[from]!).map((to) => `${from} → ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('lint fails a forbidden import: a domain importing the API layer, a peer or an Azure SDK', async () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (file: string, code: string) =>
      (await eslint.lintText(code, { filePath: path.join(root, file) }))[0]!.messages.map((m) => m.message);
    expect(
      await lint('shared/gold/probe.ts', "import { routes } from '../api/routes.js';\nexport const r = routes;\n"),
    ).toEqual([expect.stringContaining('shared/gold (layer 7) may not import shared/api (layer 9)')]);
    expect(
      await lint(
        'shared/scada/probe.ts',
        "import { raiseRequestFromEvent } from '../alerts/plant-events.js';\nexport const r = raiseRequestFromEvent;\n",
      ),
    ).toEqual([expect.stringContaining('shared/scada (layer 5) may not import shared/alerts (layer 5)')]);
    expect(
      await lint(
        'shared/api/routes/probe.ts',
        "import { cosmosClient } from '../../azure/clients.js';\nexport const c = cosmosClient;\n",
      ),
    ).toEqual([expect.stringContaining('may not import shared/azure')]);
    expect(
      await lint(
        'shared/telemetry/probe.ts',
        "import { CosmosClient } from '@azure/cosmos';\nexport const c = CosmosClient;\n",
      ),
    ).toEqual([expect.stringContaining('Azure SDKs are used only in shared/azure')]);
    expect(
      await lint(
        'functions/api/probe.ts',
        "import { BlobServiceClient } from '@azure/storage-blob';\nexport const c = BlobServiceClient;\n",
      ),
    ).toEqual([expect.stringContaining('through shared/azure')]);
    // The allowed direction passes.
    expect(
      await lint('shared/api/probe.ts', "import { routes } from './routes.js';\nexport const r = routes;\n"),
    ).toEqual([]);
  });
});
