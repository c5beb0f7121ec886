import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTROL_ROOM_HUB } from '../../shared/realtime/messages.js';
import { AppConfig } from '../../web/src/config.js';
import { declarationsOf } from './bicep-values.js';

/**
 * The control room's infrastructure (issue 19), read as text like the rest of bicep/ and pipelines/: SignalR Service
 * in serverless mode reached by identity only, the Static Web App whose origin the API and SignalR allow, the settings
 * the bindings read, and a pipeline that builds the app, writes its config from Bicep's output and deploys it.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string): string => readFileSync(path.join(repoRoot, rel), 'utf8');
const mainBicep = read('bicep/main.bicep');
const signalR = read('bicep/modules/signalr.bicep');
const staticWebApp = read('bicep/modules/static-web-app.bicep');
const functionApp = read('bicep/modules/functionapp.bicep');
const build = read('pipelines/templates/build.yml');
const deploy = read('pipelines/templates/deploy-stage.yml');
const output = read('functions/realtime/control-room-output.ts');

describe('the control room’s infrastructure', () => {
  it('runs SignalR Service in serverless mode with local (key) auth off, and gives the app identity its two roles', () => {
    expect(signalR).toMatch(/flag: 'ServiceMode', value: 'Serverless'/);
    expect(signalR).toMatch(/disableLocalAuth: true/);
    // SignalR App Server (negotiate: client tokens) and SignalR REST API Owner (the output binding's sends).
    expect(signalR).toContain("'420fcaa2-552c-430f-98ca-3264be4806c7'");
    expect(signalR).toContain("'fd53cd77-2268-407a-8f46-7e7863d0f521'");
    expect(mainBicep).toMatch(/appPrincipalId: identity\.outputs\.principalId/);
  });

  it('sets the identity-based connection the SignalR bindings name, and no connection string', () => {
    const setting = /export const SIGNALR_CONNECTION = '([^']+)'/.exec(output)?.[1];
    expect(setting).toBe('AzureSignalRConnectionString');
    const appSettings = declarationsOf(mainBicep).vars.get('appSettings') ?? '';
    const keys = [...appSettings.matchAll(/^\s*([A-Za-z_][\w]*)\s*:/gm)].map((m) => m[1]!);
    expect(keys.filter((k) => k.startsWith(setting!)).sort()).toEqual([
      `${setting}__clientId`,
      `${setting}__credential`,
      `${setting}__serviceUri`,
    ]);
    expect(output).toContain('hubName: CONTROL_ROOM_HUB');
    expect(CONTROL_ROOM_HUB).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('lets the Static Web App’s origin call the API and negotiate with SignalR, and nothing else', () => {
    expect(staticWebApp).toMatch(/resource site 'Microsoft\.Web\/staticSites@/);
    expect(mainBicep).toMatch(/corsAllowedOrigins: \[ controlRoom\.outputs\.origin \]/);
    expect(mainBicep).toMatch(/allowedOrigins: \[ controlRoom\.outputs\.origin \]/);
    expect(functionApp).toMatch(/cors: \{ allowedOrigins: corsAllowedOrigins, supportCredentials: false \}/);
  });

  it('outputs a config.json the app accepts, which the pipeline writes beside the app it builds and deploys', () => {
    const config = /output controlRoomConfig object = (\{[\s\S]*?\n\})/.exec(mainBicep)?.[1];
    expect(config).toBeDefined();
    // The shape, with Bicep's expressions standing in for values known only at deployment.
    const apiPath = /apiBaseUrl: 'https:\/\/\$\{functionApp\.outputs\.defaultHostName\}(\/[^']+)'/.exec(config!)?.[1];
    const sample = {
      apiBaseUrl: `https://smelter-dev-func.azurewebsites.net${apiPath ?? ''}`,
      auth: {
        kind: /kind: '(\w+)'/.exec(config!)?.[1],
        clientId: 'a-client-id',
        authority: 'https://login.microsoftonline.com/a-tenant',
        apiScope: 'api://smelter-platform/.default',
      },
    };
    expect(config).toMatch(/clientId: controlRoomClientId/);
    expect(config).toMatch(/apiScope: '\$\{authAudience\}\/\.default'/);
    expect(AppConfig.safeParse(sample).success).toBe(true);
    expect(sample.apiBaseUrl).toMatch(/\/industrial-automation\/smelting-ops\/v1$/);
    expect(build).toContain('npm run build:web');
    expect(build).toMatch(/publish: web\/dist\n\s+artifact: controlroom/);
    expect(deploy).toContain('.controlRoomConfig.value\' > "$(Pipeline.Workspace)/controlroom/config.json"');
    expect(deploy).toMatch(/task: AzureStaticWebApp@0[\s\S]*app_location: controlroom[\s\S]*skip_app_build: true/);
  });
});
