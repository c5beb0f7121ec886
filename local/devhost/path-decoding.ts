/**
 * URL paths decoded the way Azure's host (ASP.NET Core's Kestrel) decodes them: once, before routing; `%2F` stays
 * encoded so it can never split a segment; a malformed or non-UTF-8 escape is kept as it was sent instead of failing
 * the request (decodeURIComponent throws on `%E0%A4%A`, and the devhost used to answer such paths 500). The function
 * then sees the escape in its route parameter, and its own validation answers.
 */

const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** Length of the UTF-8 sequence a lead byte starts (0 for a byte that cannot lead one). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Decodes one run of `%XX` escapes, sequence by sequence, keeping whatever is not valid UTF-8 (and `%2F`) as sent. */
function decodeRun(run: string): string {
  const tokens = run.match(/%[0-9A-Fa-f]{2}/g) ?? [];
  let out = '';
  for (let i = 0; i < tokens.length;) {
    const n = sequenceLength(parseInt(tokens[i]!.slice(1), 16));
    const seq = n > 0 && i + n <= tokens.length ? tokens.slice(i, i + n).join('') : '';
    let decoded: string | undefined;
    if (seq) {
      try {
        decoded = decodeURIComponent(seq);
      } catch {
        decoded = undefined;
      }
    }
    if (decoded === undefined || decoded === '/') {
      out += tokens[i];
      i++;
    } else {
      out += decoded;
      i += n;
    }
  }
  return out;
}

/** The path as routing sees it; never throws. */
export function decodePath(pathname: string): string {
  return pathname.replace(ESCAPE_RUN, decodeRun);
}
