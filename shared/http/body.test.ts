import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, parseJsonBody, type BodySource } from './body.js';

const Schema = z.strictObject({ name: z.string(), size: z.number().int().optional() });

function request(
  text: string | null,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): BodySource {
  const h = new Headers(headers);
  return { headers: h, body: text === null ? null : new Response(text).body };
}

async function failure(src: BodySource, max = 1024) {
  return parseJsonBody(src, Schema, max).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('JSON body parsing', () => {
  it('answers 400 ERR-4001 naming the limit for a body nested deeper than MAX_BODY_DEPTH, before anything walks it', async () => {
    const deep = `{"name":"a","extra":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const e = await failure(request(deep), 1_000_000);
    expect(e).toMatchObject({ code: 'ERR-4001', status: 400, details: [{ field: 'body' }] });
    expect((e as Error).message).toContain(`more than ${MAX_BODY_DEPTH} levels deep (limit maxDepth)`);
  });

  it('answers 400 ERR-4001 naming a __proto__ key, which an object copy would silently drop', async () => {
    const e = await failure(request('{"name":"a","__proto__":{"size":1}}'));
    expect(e).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.__proto__' }] });
    const loose = z.object({ parameters: z.record(z.string(), z.unknown()) });
    await expect(
      parseJsonBody(request('{"parameters":{"a":{"__proto__":1}}}'), loose, 1024).catch((x: unknown) => x),
    ).resolves.toMatchObject({ code: 'ERR-4001', details: [{ field: 'body.parameters.a.__proto__' }] });
  });

  it('parses a valid body, with or without a UTF-8 charset and for +json types', async () => {
    await expect(parseJsonBody(request('{"name":"a"}'), Schema, 1024)).resolves.toEqual({ name: 'a' });
    await expect(
      parseJsonBody(request('{"name":"a"}', { 'content-type': 'application/json; charset=UTF-8' }), Schema, 1024),
    ).resolves.toEqual({ name: 'a' });
    await expect(
      parseJsonBody(request('{"name":"a"}', { 'content-type': 'application/merge-patch+json' }), Schema, 1024),
    ).resolves.toEqual({ name: 'a' });
  });

  it('answers 415 ERR-4151 for a missing or non-JSON content type', async () => {
    expect(await failure(request('{"name":"a"}', {}))).toMatchObject({ code: 'ERR-4151', status: 415 });
    expect(await failure(request('name=a', { 'content-type': 'application/x-www-form-urlencoded' }))).toMatchObject({
      code: 'ERR-4151',
    });
    expect(
      await failure(request('{"name":"a"}', { 'content-type': 'application/json; charset=latin1' })),
    ).toMatchObject({ code: 'ERR-4151' });
  });

  it('answers 413 ERR-4131 above the limit, by header and by bytes read', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2000) });
    expect(
      await failure(request(big, { 'content-type': 'application/json', 'content-length': String(big.length) })),
    ).toMatchObject({ code: 'ERR-4131', status: 413 });
    expect(await failure(request(big, { 'content-type': 'application/json', 'content-length': '10' }))).toMatchObject({
      code: 'ERR-4131',
    });
  });

  it('answers 400 ERR-4001 for an empty body, malformed JSON and invalid UTF-8', async () => {
    expect(await failure(request(''))).toMatchObject({ code: 'ERR-4001', details: [{ field: 'body' }] });
    expect(await failure(request(null))).toMatchObject({ code: 'ERR-4001' });
    expect(await failure(request('{"name":'))).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body', issue: 'malformed JSON' }],
    });
    const src = {
      headers: new Headers({ 'content-type': 'application/json' }),
      body: new Response(new Uint8Array([0x22, 0xff, 0x22])).body,
    };
    expect(await failure(src)).toMatchObject({ code: 'ERR-4001' });
  });

  it('names the offending field, including unknown ones', async () => {
    expect(await failure(request('{"name":"a","size":1.5}'))).toMatchObject({
      code: 'ERR-4001',
      details: [{ field: 'body.size' }],
    });
    const unknown = (await failure(request('{"name":"a","colour":"red"}'))) as {
      details: { field: string; issue: string }[];
    };
    expect(unknown.details[0]?.issue).toMatch(/colour/);
  });
});
