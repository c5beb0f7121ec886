/**
 * The SignalR JSON hub protocol as the devhost speaks it (github.com/dotnet/aspnetcore, src/SignalR/docs/specs/
 * HubProtocol.md): UTF-8 JSON messages, each ended by the record separator 0x1E; a handshake request
 * `{"protocol":"json","version":1}` answered by `{}` (or `{"error": "…"}`), then messages with a numeric `type`.
 */

/** Ends every message of the JSON hub protocol (ASCII record separator). */
export const RECORD_SEPARATOR = '\u001e';

/** Message types of the hub protocol (HubProtocol.md, "Message Types"). */
export const MessageType = {
  invocation: 1,
  streamItem: 2,
  completion: 3,
  streamInvocation: 4,
  cancelInvocation: 5,
  ping: 6,
  close: 7,
  ack: 8,
  sequence: 9,
} as const;

/** Splits a text frame into the JSON messages it holds (a frame may carry several, each ended by 0x1E). */
export function parseFrames(text: string): unknown[] {
  const out: unknown[] = [];
  for (const part of text.split(RECORD_SEPARATOR)) {
    if (part.length === 0) continue;
    out.push(JSON.parse(part));
  }
  return out;
}

/** One message framed for the wire. */
export function frame(message: unknown): string {
  return JSON.stringify(message) + RECORD_SEPARATOR;
}

/** The handshake request a client sends first, when it is one the devhost serves; otherwise why not. */
export function readHandshake(message: unknown): { ok: true } | { ok: false; error: string } {
  const m = message as { protocol?: unknown; version?: unknown } | null;
  if (!m || typeof m !== 'object') return { ok: false, error: 'The handshake must be a JSON object.' };
  if (m.protocol !== 'json')
    return {
      ok: false,
      error: `The protocol '${String(m.protocol)}' is not supported by the devhost; use the JSON hub protocol (MessagePack is not served).`,
    };
  if (m.version !== 1)
    return { ok: false, error: `The server does not support version ${String(m.version)} of the 'json' protocol.` };
  return { ok: true };
}
