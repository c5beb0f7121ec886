/**
 * A write the devhost's own files could not take because the disk (or the user's quota) is full. Intake refuses
 * with this error, naming the file, instead of crashing or keeping half a write; once space is freed the same call
 * succeeds again.
 */
export class DiskFullError extends Error {
  readonly code = 'ERR-DEVHOST-DISK-FULL';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `ERR-DEVHOST-DISK-FULL: no space left to write ${file} (${cause instanceof Error ? cause.message : String(cause)}). Nothing was accepted; free space on that disk and send again.`,
    );
    this.name = 'DiskFullError';
  }
}

/** True for the errors a full disk or an exhausted quota gives. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
