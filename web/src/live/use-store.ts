import { useSyncExternalStore } from 'react';
import type { ControlRoomStore } from './store.js';

/** Reads `read()` from the store and re-renders when `key` is notified (at most once per animation frame). */
export function useStoreValue<T>(store: ControlRoomStore, key: string, read: () => T): T {
  return useSyncExternalStore((onChange) => store.subscribe(key, onChange), read, read);
}
