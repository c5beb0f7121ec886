import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { decodeCursor, encodeCursor, Link, PageQuery, pageLinks } from '../http/paging.js';
import { v1Path } from '../http/paths.js';
import { LineId, OverrideDoc, OverrideScope, type OverrideLister } from '../scada/override.js';

/** Body of `POST v1/overrides`: which cell or line goes to manual, and why (kept in the record and the ledger). */
export const OverrideRequestBody = z
  .object({ scope: OverrideScope, reason: z.string().trim().min(3).max(500) })
  .strict();
export type OverrideRequestBody = z.infer<typeof OverrideRequestBody>;

/** Body of `POST v1/overrides/release`: the scope to give back to automatic dispatch, and why. */
export const OverrideReleaseBody = z
  .object({ scope: OverrideScope, reason: z.string().trim().min(3).max(500) })
  .strict();
export type OverrideReleaseBody = z.infer<typeof OverrideReleaseBody>;

/** Query of `GET v1/overrides`: a page of the overrides in force, optionally one line's (the line and its cells). */
export const OverrideListQuery = PageQuery.extend({
  lineId: LineId.optional().describe('Only this line and its cells, e.g. L1'),
});
export type OverrideListQuery = z.infer<typeof OverrideListQuery>;

export const OverridePage = z.object({
  items: z.array(OverrideDoc),
  /** Pass back as `continuationToken` for the next page; absent on the last page. */
  continuationToken: z.string().optional(),
  links: z.array(Link),
});
export type OverridePage = z.infer<typeof OverridePage>;

const Cursor = z.object({ afterScopeKey: z.string().min(1).max(200) });

/** The overrides in force, a page at a time in scope-key order (`cell:…` before `line:…`); 400 for a token not ours. */
export async function listActiveOverrides(lister: OverrideLister, q: OverrideListQuery): Promise<OverridePage> {
  let afterScopeKey: string | undefined;
  if (q.continuationToken) {
    afterScopeKey = decodeCursor(q.continuationToken, Cursor)?.afterScopeKey;
    if (afterScopeKey === undefined)
      throw new ApiError('invalidInput', 'continuationToken is not one this API issued; start again without it.', [
        { field: 'query.continuationToken', issue: 'unknown token' },
      ]);
  }
  const { items, more } = await lister.listManual({
    limit: q.pageSize,
    ...(afterScopeKey === undefined ? {} : { afterScopeKey }),
    ...(q.lineId === undefined ? {} : { lineId: q.lineId }),
  });
  const last = items.at(-1);
  const next = more && last ? encodeCursor({ afterScopeKey: last.scopeKey }) : undefined;
  return {
    items,
    ...(next ? { continuationToken: next } : {}),
    links: pageLinks(v1Path('overrides'), { pageSize: q.pageSize, lineId: q.lineId }, q.continuationToken, next),
  };
}
