/**
 * Where the control room finds the API and how people sign in, read once at start from `config.json` beside the app
 * (written by `npm start` locally, by the pipeline for Azure Static Web Apps), so one build serves every environment.
 */
import { z } from 'zod';

export const AppConfig = z.object({
  /** The API's base, up to and including the version: `https://…/industrial-automation/smelting-ops/v1`. */
  apiBaseUrl: z.url(),
  auth: z.discriminatedUnion('kind', [
    /** Locally: the development token issuer (local/dev-issuer) mints a token for the role picked at sign-in. */
    z.object({ kind: z.literal('dev'), issuerUrl: z.url() }),
    /** In Azure: Entra ID through MSAL; the API's app roles arrive in the access token's `roles` claim. */
    z.object({
      kind: z.literal('entra'),
      clientId: z.string().min(1),
      authority: z.url(),
      /** The API scope to ask for, e.g. `api://smelter-platform/.default`. */
      apiScope: z.string().min(1),
    }),
  ]),
});
export type AppConfig = z.infer<typeof AppConfig>;
