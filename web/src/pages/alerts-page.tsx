import { useCallback, useEffect, useState } from 'react';
import { Alert, AlertPage } from '../api/schemas.js';
import { can } from '../capabilities.js';
import { ProblemNote } from '../components/problem-note.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';

type StateFilter = 'open' | 'active' | 'acknowledged' | 'cleared';

/** Alerts, filtered by state, line and cell; acknowledged here (it stops escalating). */
export function AlertsPage({ controller, roles }: { controller: ControlRoomController; roles: readonly string[] }) {
  const { store, api } = controller;
  const open = useStoreValue(store, keys.alerts, () => store.alerts);
  const [state, setState] = useState<StateFilter>('open');
  const [lineId, setLineId] = useState('');
  const [cellId, setCellId] = useState('');
  const [items, setItems] = useState<Alert[] | undefined>();
  const [problem, setProblem] = useState<unknown>();

  const load = useCallback(async () => {
    if (state === 'open') {
      setItems(
        [...open.values()]
          .filter((a) => (!lineId || a.lineId === lineId) && (!cellId || a.cellId === cellId))
          .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)),
      );
      return;
    }
    const q = new URLSearchParams({ state, pageSize: '100' });
    if (lineId) q.set('lineId', lineId);
    if (cellId) q.set('cellId', cellId);
    try {
      setItems((await api.get(`alerts?${q.toString()}`, AlertPage)).items);
      setProblem(undefined);
    } catch (err) {
      setProblem(err);
    }
  }, [api, open, state, lineId, cellId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter alerts">
        <label className="field">
          <span>State</span>
          <select value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
            <option value="open">open (active or acknowledged)</option>
            <option value="active">active</option>
            <option value="acknowledged">acknowledged</option>
            <option value="cleared">cleared</option>
          </select>
        </label>
        <label className="field">
          <span>Line</span>
          <select value={lineId} onChange={(e) => setLineId(e.target.value)}>
            <option value="">all</option>
            {store.lines.map((l) => (
              <option key={l.lineId} value={l.lineId}>
                {l.lineId}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Cell</span>
          <input
            value={cellId}
            onChange={(e) => setCellId(e.target.value.trim().toUpperCase())}
            placeholder="L1-C001"
            pattern="L\d{1,3}-(C\d{3,4}|LINE)"
          />
        </label>
      </form>
      <ProblemNote error={problem} />
      <table className="list" data-testid="alerts">
        <thead>
          <tr>
            <th>Raised</th>
            <th>Alert</th>
            <th>Where</th>
            <th>Severity</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items?.length === 0 ? (
            <tr>
              <td colSpan={6}>No alerts match.</td>
            </tr>
          ) : null}
          {items?.map((a) => (
            <AlertRow key={a.alertId} alert={a} controller={controller} canAck={can(roles, 'acknowledgeAlert')} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AlertRow({ alert, controller, canAck }: { alert: Alert; controller: ControlRoomController; canAck: boolean }) {
  const [problem, setProblem] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <tr className={`sev-${alert.severity}`} data-alert-id={alert.alertId}>
      <td>{new Date(alert.raisedAt).toLocaleString()}</td>
      <td>
        {alert.title}
        {alert.occurrences > 1 ? <span className="muted"> ×{alert.occurrences}</span> : null}
        <ProblemNote error={problem} />
      </td>
      <td>{alert.cellId ? <a href={`#/cell/${alert.cellId}`}>{alert.cellId}</a> : (alert.lineId ?? '—')}</td>
      <td>
        {alert.severity}
        {alert.escalatedAt ? ' (escalated)' : ''}
      </td>
      <td>
        {alert.state}
        {alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}
      </td>
      <td>
        {canAck && alert.state === 'active' ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              controller.api
                .post(`alerts/${alert.alertId}/acknowledge`, undefined, Alert)
                .then(() => controller.refreshAlerts(), setProblem)
                .finally(() => setBusy(false));
            }}
          >
            Acknowledge
          </button>
        ) : null}
      </td>
    </tr>
  );
}
