/** Builds a value once per process and shares it; a failed build is not cached, so the next call tries again. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((e: unknown) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}
