import type { ControlRoomStore, LiveStatus } from '../live/store.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';
import { useNow } from './use-now.js';

const LABEL: Record<LiveStatus['state'], string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Disconnected — reconnecting…',
  disconnected: 'Disconnected — reconnecting…',
  off: 'Not live',
};

/** The push connection's state, always visible: a screen that is not live says so. */
export function LiveBadge({ store }: { store: ControlRoomStore }) {
  const status = useStoreValue(store, keys.status, () => store.status);
  const now = useNow(1000);
  const down = status.state !== 'connected';
  const forS = Math.max(0, Math.round((now - status.sinceMs) / 1000));
  return (
    <div className={`live-badge ${status.state}`} role="status" aria-live="polite" data-live-state={status.state}>
      <span className="dot" aria-hidden="true" />
      {LABEL[status.state]}
      {down && status.state !== 'off' ? <span className="since"> for {forS} s</span> : null}
    </div>
  );
}

/** The banner over the floor's pages while the push channel is down: values may be old, and are marked by age. */
export function DisconnectedBanner({ store }: { store: ControlRoomStore }) {
  const status = useStoreValue(store, keys.status, () => store.status);
  if (status.state === 'connected' || status.state === 'off' || status.state === 'connecting') return null;
  return (
    <div className="banner disconnected" role="alert">
      Not receiving live updates since {new Date(status.sinceMs).toLocaleTimeString()}. Values shown are the last
      received; each turns stale as it ages. Reconnecting by itself{status.error ? ` (${status.error})` : ''}.
    </div>
  );
}
