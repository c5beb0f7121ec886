import { crc32 } from 'node:zlib';

/**
 * The framing of the local Cosmos server's journal and snapshot files: a record is
 * `0xFF 'C' 'J' 0x01 | payload length (u32 LE) | CRC-32 of length and payload (u32 LE) | payload (UTF-8 JSON)`.
 *
 * The checksum covers the length, so a tail of zeros (a file extended but not yet written) never reads as a record.
 * The marker starts with 0xFF, a byte UTF-8 JSON never contains, so after a damaged record the scan can look for the
 * next whole record and tell a torn tail (nothing whole after it: cut) from damage in the middle (refuse to load).
 */
const MARKER = Buffer.from([0xff, 0x43, 0x4a, 0x01]);
const HEADER_BYTES = MARKER.length + 8;
/** Larger than any document Cosmos DB accepts (2 MB), so a garbage length is rejected without reading past it. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  MARKER.copy(frame, 0);
  frame.writeUInt32LE(payload.length, MARKER.length);
  payload.copy(frame, HEADER_BYTES);
  frame.writeUInt32LE(checksum(frame, payload.length), MARKER.length + 4);
  return frame;
}

export interface ScannedFrames {
  payloads: Buffer[];
  /** Bytes from the start of the file up to the end of the last whole record. */
  validBytes: number;
  /** Bytes after `validBytes` that do not form a whole record (a write cut short by a kill); 0 when the file ends cleanly. */
  tornBytes: number;
}

/** Where a file is damaged before its last whole record, so cutting it would also drop records written after it. */
export class DamagedFramesError extends Error {
  constructor(
    readonly offset: number,
    readonly nextRecordOffset: number,
  ) {
    super(`the record at byte ${offset} is damaged but a whole record follows at byte ${nextRecordOffset}`);
    this.name = 'DamagedFramesError';
  }
}

/** Reads every whole record of `data`; a damaged tail is reported in `tornBytes`, damage in the middle throws DamagedFramesError. */
export function scanFrames(data: Buffer): ScannedFrames {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const length = frameLengthAt(data, offset);
    if (length === undefined) {
      const next = nextWholeFrame(data, offset + 1);
      if (next !== undefined) throw new DamagedFramesError(offset, next);
      return { payloads, validBytes: offset, tornBytes: data.length - offset };
    }
    payloads.push(data.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length));
    offset += HEADER_BYTES + length;
  }
  return { payloads, validBytes: offset, tornBytes: 0 };
}

/** The payload length of a whole, intact record starting at `offset`, or undefined. */
function frameLengthAt(data: Buffer, offset: number): number | undefined {
  if (data.length - offset < HEADER_BYTES) return undefined;
  if (!data.subarray(offset, offset + MARKER.length).equals(MARKER)) return undefined;
  const length = data.readUInt32LE(offset + MARKER.length);
  if (length > MAX_PAYLOAD_BYTES || offset + HEADER_BYTES + length > data.length) return undefined;
  const frame = data.subarray(offset, offset + HEADER_BYTES + length);
  return checksum(frame, length) === data.readUInt32LE(offset + MARKER.length + 4) ? length : undefined;
}

function nextWholeFrame(data: Buffer, from: number): number | undefined {
  for (let at = data.indexOf(MARKER, from); at !== -1; at = data.indexOf(MARKER, at + 1)) {
    if (frameLengthAt(data, at) !== undefined) return at;
  }
  return undefined;
}

/** CRC-32 over the length field and the payload of a frame laid out as above. */
function checksum(frame: Buffer, payloadLength: number): number {
  const lengthField = frame.subarray(MARKER.length, MARKER.length + 4);
  return crc32(frame.subarray(HEADER_BYTES, HEADER_BYTES + payloadLength), crc32(lengthField));
}
