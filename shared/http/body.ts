import type { z } from 'zod';
import { parseJsonWithin } from '../kernel/json-limits.js';
import { ApiError, invalidInput } from './errors.js';

/**
 * Deepest nesting of arrays and objects a request body may have. The deepest body a route takes (a PDE model's
 * parameters, an alert rule's condition) is under 8 levels; a deeper one only exhausts whatever walks it next
 * (the schema, the Cosmos SDK's serialiser).
 */
export const MAX_BODY_DEPTH = 32;
/** Most entries one array or object of a body may hold (no route takes more than 2,000 of anything). */
export const MAX_BODY_ENTRIES = 10_000;

/** The parts of an HTTP request body parsing needs; @azure/functions' HttpRequest satisfies it. */
export interface BodySource {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json$/;

/**
 * Reads a JSON body of at most `maxBytes` and parses it with `schema`. Answers 415 ERR-4151 for a non-JSON content
 * type, 413 ERR-4131 above the limit (checked on Content-Length and again while reading, so a lying header cannot
 * get past it), 400 ERR-4001 for an empty or malformed body, one nested deeper than MAX_BODY_DEPTH or holding a
 * `__proto__` key (checked on the text before anything walks it), and for every field the schema rejects.
 */
export async function parseJsonBody<S extends z.ZodType>(
  src: BodySource,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  checkContentType(src.headers.get('content-type'));
  const declared = Number(src.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readText(src.body, maxBytes);
  if (text.trim() === '')
    throw new ApiError('invalidInput', 'Request body is empty: send a JSON object.', [
      { field: 'body', issue: 'required' },
    ]);
  const read = parseJsonWithin(text, { maxBytes, maxDepth: MAX_BODY_DEPTH, maxEntries: MAX_BODY_ENTRIES });
  if (!read.ok && 'syntax' in read) {
    const where = read.syntax.replace(/\s+/g, ' ').slice(0, 200);
    throw new ApiError('invalidInput', `Request body is not valid JSON (${where}).`, [
      { field: 'body', issue: 'malformed JSON' },
    ]);
  }
  if (!read.ok) {
    const field = read.breach.path ? `body.${read.breach.path}` : 'body';
    throw new ApiError('invalidInput', `Request body ${read.breach.message} (limit ${read.breach.limit}).`, [
      { field, issue: `over the limit ${read.breach.limit}` },
    ]);
  }
  const parsed = schema.safeParse(read.value);
  if (!parsed.success) throw invalidInput('body', parsed.error);
  return parsed.data;
}

function checkContentType(header: string | null): void {
  const [mediaType = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (JSON_MEDIA_TYPE.test(mediaType) && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new ApiError(
    'unsupportedMediaType',
    `Send the body as JSON with "Content-Type: application/json" (got ${header ? JSON.stringify(header.slice(0, 100)) : 'none'}).`,
    [{ field: 'header.content-type', issue: 'expected application/json (UTF-8)' }],
  );
}

const tooLarge = (maxBytes: number) =>
  new ApiError('payloadTooLarge', `Request body exceeds ${maxBytes} bytes; send a smaller body.`, [
    { field: 'body', issue: `larger than ${maxBytes} bytes` },
  ]);

async function readText(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError('invalidInput', 'Request body is not valid UTF-8.', [{ field: 'body', issue: 'invalid UTF-8' }]);
  }
}
