import { useEffect, useMemo, useRef, useState } from 'react';
import {
  AlertPage,
  CellSetPoints,
  CellState,
  CommandPage,
  Override,
  TelemetryPage,
  type Alert,
  type Command,
} from '../api/schemas.js';
import { can } from '../capabilities.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ProblemNote } from '../components/problem-note.js';
import { TrendChart } from '../components/trend-chart.js';
import { useNow } from '../components/use-now.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';
import { TILE_STATE_LABEL, tileState } from '../state/tile-state.js';

/** Minutes of live points a trend keeps (curated minutes before them come from the API). */
const LIVE_WINDOW_MS = 15 * 60_000;
type Point = readonly [number, number];

/** One cell: live trends, its set point against the plant's read-back, feed state, its commands and alerts. */
export function CellPage({
  controller,
  roles,
  cellId,
}: {
  controller: ControlRoomController;
  roles: readonly string[];
  cellId: string;
}) {
  const { store, api } = controller;
  useStoreValue(store, keys.plant, () => store.plant);
  const line = store.lineOfCell.get(cellId);
  const cell = useStoreValue(store, keys.cell(cellId), () => store.cells.get(cellId));
  const manual = useStoreValue(store, keys.cell(cellId), () => store.manualFor(cellId));
  const openAlerts = useStoreValue(store, keys.cell(cellId), () => store.openAlertsOf(cellId));
  const pushedCommands = useStoreValue(store, keys.commands(cellId), () => store.commands.get(cellId));
  const now = useNow(1000);
  const [setPoints, setSetPoints] = useState<CellSetPoints | undefined>();
  const [history, setHistory] = useState<Command[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [curated, setCurated] = useState<Record<string, Point[]>>({});
  const [problem, setProblem] = useState<unknown>();
  const [dialog, setDialog] = useState<'manual' | 'release' | undefined>();
  const live = useRef<Record<string, Point[]>>({ cellVoltage: [], bathTemp: [], acdSetpoint: [] });
  const [liveVersion, setLiveVersion] = useState(0);

  // Reads what the cell view needs from the API; again whenever a command of this cell changes or an alert moves.
  useEffect(() => {
    let on = true;
    const fail = (err: unknown) => on && setProblem(err);
    if (!store.cells.has(cellId))
      api
        .get(`cells/${cellId}/latest`, CellState)
        .then((s) => store.seedCells([s], Date.now()))
        .catch(() => undefined);
    api.get(`cells/${cellId}/setpoints`, CellSetPoints).then((s) => on && setSetPoints(s), fail);
    api.get(`cells/${cellId}/setpoints/history?pageSize=20`, CommandPage).then((p) => on && setHistory(p.items), fail);
    api.get(`alerts?cellId=${cellId}&pageSize=50`, AlertPage).then((p) => on && setAlerts(p.items), fail);
    return () => {
      on = false;
    };
  }, [api, store, cellId, pushedCommands, openAlerts]);

  // Curated minutes of the last two hours (only hours curation has reached; the live points follow them).
  useEffect(() => {
    let on = true;
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const from = new Date(to.getTime() - 2 * 3_600_000);
    for (const tag of ['cellVoltage', 'bathTemp', 'acdSetpoint'])
      api
        .get(
          `telemetry?cellId=${cellId}&tag=${tag}&from=${from.toISOString()}&to=${to.toISOString()}&pageSize=200`,
          TelemetryPage,
        )
        .then((p) => {
          if (!on) return;
          const points = p.items
            .filter((m) => m.mean !== null)
            .map((m) => [Date.parse(m.minuteStart) + 30_000, m.mean!] as const);
          setCurated((c) => ({ ...c, [tag]: points }));
        })
        .catch(() => undefined);
    return () => {
      on = false;
    };
  }, [api, cellId]);

  // Live points: each new value of a tag, kept for LIVE_WINDOW_MS.
  useEffect(() => {
    if (!cell) return;
    let added = false;
    for (const tag of Object.keys(live.current)) {
      const t = cell.tags[tag];
      const list = live.current[tag]!;
      if (!t || (list.length > 0 && list.at(-1)![0] >= t.ts)) continue;
      list.push([t.ts, t.value]);
      while (list.length > 0 && list[0]![0] < t.ts - LIVE_WINDOW_MS) list.shift();
      added = true;
    }
    if (added) setLiveVersion((v) => v + 1);
  }, [cell]);

  const series = useMemo(() => {
    const join = (tag: string) => [...(curated[tag] ?? []), ...(live.current[tag] ?? [])].sort((a, b) => a[0] - b[0]);
    const commanded: Point[] = history
      .filter((c) => c.state === 'acknowledged' && c.setPoint.acdCm !== undefined)
      .map((c) => [Date.parse(c.updatedAt), c.setPoint.acdCm!] as const)
      .sort((a, b) => a[0] - b[0]);
    return { voltage: join('cellVoltage'), bath: join('bathTemp'), readback: join('acdSetpoint'), commanded };
    // liveVersion: the live arrays are mutated in place; the version says they moved.
  }, [curated, history, liveVersion]);

  if (!line) return <p>Unknown cell {cellId} (not in the plant model in force).</p>;
  const v = cell?.tags.cellVoltage;
  const state = tileState({
    voltageV: v?.value,
    stale: cell?.stale ?? true,
    anodeEffectThresholdV: line.envelope.anodeEffectThresholdV,
    inManual: manual !== undefined,
    openAlerts,
  });
  const age = (ts: number | undefined) =>
    ts === undefined ? '—' : `${Math.max(0, Math.round((now - ts) / 1000))} s ago`;
  const value = (tag: string, unit: string, digits = 2) => {
    const t = cell?.tags[tag];
    return t ? `${t.value.toFixed(digits)} ${unit}` : '—';
  };
  const commands = [
    ...(pushedCommands ?? []).map((c) => ({
      id: c.commandId,
      state: c.state,
      reasons: c.reasons.join(', '),
      at: c.atMs,
      setPoint: '',
    })),
    ...history
      .filter((h) => !(pushedCommands ?? []).some((p) => p.commandId === h.commandId))
      .map((h) => ({
        id: h.commandId,
        state: h.state,
        reasons: h.violations.map((x) => x.rule).join(', ') || h.failure?.code || '',
        at: Date.parse(h.updatedAt),
        setPoint: Object.entries(h.setPoint)
          .map(([k, x]) => `${k} ${x}`)
          .join(', '),
      })),
  ].slice(0, 20);

  return (
    <section aria-labelledby="cell-title">
      <h1 id="cell-title">
        Cell {cellId}{' '}
        <span className={`badge state-${state}`} data-testid="cell-state">
          {TILE_STATE_LABEL[state]}
        </span>
        {manual ? (
          <span className="badge manual" data-testid="cell-manual">
            in manual ({manual.scope.kind === 'line' ? 'line' : 'cell'})
          </span>
        ) : null}
      </h1>
      <p className="muted">
        {line.name} · data {age(v?.ts)} {cell?.stale ? <strong className="stale-tag">stale — not live</strong> : null}
      </p>
      <ProblemNote error={problem} />
      <div className="actions">
        {!manual && can(roles, 'requestManual') ? (
          <button type="button" className="danger" onClick={() => setDialog('manual')}>
            Put {cellId} in manual…
          </button>
        ) : null}
        {manual && can(roles, 'releaseManual') ? (
          <button type="button" onClick={() => setDialog('release')}>
            Release {manual.scope.kind === 'line' ? `line ${line.lineId}` : cellId} from manual…
          </button>
        ) : null}
      </div>
      <dl className="figures wide">
        <div>
          <dt>Cell voltage</dt>
          <dd>{value('cellVoltage', 'V', 3)}</dd>
        </div>
        <div>
          <dt>Bath temperature</dt>
          <dd>{value('bathTemp', '°C', 1)}</dd>
        </div>
        <div>
          <dt>ACD set point (plant read-back)</dt>
          <dd data-testid="acd-readback">{value('acdSetpoint', 'cm', 2)}</dd>
        </div>
        <div>
          <dt>ACD commanded (last acknowledged)</dt>
          <dd data-testid="acd-commanded">
            {setPoints?.setPoints.acdCm ? `${setPoints.setPoints.acdCm.value.toFixed(2)} cm` : '—'}
          </dd>
        </div>
        <div>
          <dt>Feed interval (read-back)</dt>
          <dd>{value('feedIntervalSetpoint', 's', 0)}</dd>
        </div>
        <div>
          <dt>Last feeder shot</dt>
          <dd>
            {cell?.tags.aluminaFeed
              ? `${cell.tags.aluminaFeed.value.toFixed(2)} kg, ${age(cell.tags.aluminaFeed.ts)}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>Commands under way</dt>
          <dd>{setPoints ? setPoints.pending.length : '—'}</dd>
        </div>
      </dl>
      <div className="trends">
        <TrendChart
          title="Cell voltage"
          unit="V"
          series={[{ label: 'voltage', points: series.voltage, color: '#ffd166' }]}
        />
        <TrendChart
          title="Bath temperature"
          unit="°C"
          series={[{ label: 'bath', points: series.bath, color: '#ef8354' }]}
        />
        <TrendChart
          title="ACD set point: commanded against read-back"
          unit="cm"
          series={[
            { label: 'read-back', points: series.readback, color: '#4cc9f0', stepped: true },
            { label: 'commanded', points: series.commanded, color: '#f72585', stepped: true, dashed: true },
          ]}
        />
      </div>
      <h2>Commands</h2>
      <table className="list" data-testid="commands">
        <thead>
          <tr>
            <th>When</th>
            <th>Command</th>
            <th>State</th>
            <th>Set point</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {commands.length === 0 ? (
            <tr>
              <td colSpan={5}>No commands to this cell yet.</td>
            </tr>
          ) : null}
          {commands.map((c) => (
            <tr key={c.id} data-state={c.state}>
              <td>{new Date(c.at).toLocaleTimeString()}</td>
              <td>
                <code>{c.id.slice(0, 12)}…</code>
              </td>
              <td>{c.state}</td>
              <td>{c.setPoint}</td>
              <td>{c.reasons}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Alerts</h2>
      <ul className="alerts-mini">
        {alerts.length === 0 ? <li>No alerts about this cell.</li> : null}
        {alerts.map((a) => (
          <li key={a.alertId} className={`sev-${a.severity}`}>
            {a.title} — {a.state} since {new Date(a.raisedAt).toLocaleString()}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={dialog === 'manual'}
        danger
        title={`Put ${cellId} in manual?`}
        confirmLabel={`Put ${cellId} in manual`}
        reasonLabel="Reason (kept in the audit log and the ledger)"
        onCancel={() => setDialog(undefined)}
        onConfirm={async (reason) => {
          try {
            setProblem(undefined);
            store.applyOverride(await api.post('overrides', { scope: { kind: 'cell', cellId }, reason }, Override));
          } catch (err) {
            setProblem(err);
          }
          setDialog(undefined);
        }}
      >
        <p>From the moment this answers, nothing is dispatched to {cellId} until a Manager releases it.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'release'}
        title="Release from manual?"
        confirmLabel="Release"
        reasonLabel="Reason"
        onCancel={() => setDialog(undefined)}
        onConfirm={async (reason) => {
          try {
            setProblem(undefined);
            store.applyOverride(await api.post('overrides/release', { scope: manual!.scope, reason }, Override));
          } catch (err) {
            setProblem(err);
          }
          setDialog(undefined);
        }}
      >
        <p>
          Automatic set points may reach {manual?.scope.kind === 'line' ? `every cell of ${line.lineId}` : cellId}{' '}
          again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
