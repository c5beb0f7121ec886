import { useEffect, useState } from 'react';

/** The clock, re-read every `everyMs` (for ages and countdowns that must move while nothing else changes). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
