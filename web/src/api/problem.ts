/**
 * An answer the API refused, as the API states it (DESIGN §4): `{ code: "ERR-4033", message, details }`. The screens
 * show the code and the message as they came, so an operator can quote them.
 */
import { z } from 'zod';

const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z
    .array(z.object({ field: z.string().optional(), issue: z.string(), reason: z.string().optional() }))
    .default([]),
});

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field?: string; issue: string; reason?: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiProblem';
  }

  /** The problem an HTTP answer states, or one naming the status when its body is not the API's error shape. */
  static async of(res: Response): Promise<ApiProblem> {
    const text = await res.text();
    try {
      const body = ErrorBody.parse(JSON.parse(text));
      return new ApiProblem(res.status, body.code, body.message, body.details);
    } catch {
      return new ApiProblem(res.status, `HTTP ${res.status}`, text.slice(0, 300) || res.statusText);
    }
  }
}

/** What a screen shows for a failure: the API's code and message, or the error's own message. */
export function describeProblem(err: unknown): { code: string; message: string } {
  if (err instanceof ApiProblem) return { code: err.code, message: err.message };
  if (err instanceof TypeError) return { code: 'NETWORK', message: `The API could not be reached: ${err.message}` };
  return { code: 'ERROR', message: err instanceof Error ? err.message : String(err) };
}
