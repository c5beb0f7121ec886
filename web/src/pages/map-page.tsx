import { memo, useCallback, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { LineKpis, Override, type PlantLine } from '../api/schemas.js';
import { can } from '../capabilities.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ProblemNote } from '../components/problem-note.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys, type ControlRoomStore } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';
import { TILE_STATE_GLYPH, TILE_STATE_LABEL, tileState, type TileState } from '../state/tile-state.js';
import { todayKpiQuery } from '../state/kpi-window.js';

/** The potline map: per line a strip (current, today's kWh/kg, counts) and every cell a tile at its potroom place. */
export function MapPage({ controller, roles }: { controller: ControlRoomController; roles: readonly string[] }) {
  const store = controller.store;
  useStoreValue(store, keys.plant, () => store.plant);
  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">Potline map</h1>
      <Legend />
      {store.lines.map((line) => (
        <LineSection key={line.lineId} line={line} controller={controller} roles={roles} />
      ))}
    </section>
  );
}

function Legend() {
  const states: TileState[] = ['normal', 'alert', 'manual', 'anode-effect', 'stale', 'no-data'];
  return (
    <ul className="legend" aria-label="Tile colours">
      {states.map((s) => (
        <li key={s}>
          <span className={`tile-swatch state-${s}`} aria-hidden="true">
            {TILE_STATE_GLYPH[s]}
          </span>
          {TILE_STATE_LABEL[s]}
        </li>
      ))}
    </ul>
  );
}

function LineSection({
  line,
  controller,
  roles,
}: {
  line: PlantLine;
  controller: ControlRoomController;
  roles: readonly string[];
}) {
  const store = controller.store;
  // Rows of the potroom drawing: each row's side A above its side B.
  const layout = useMemo(() => {
    const rows = [...new Set(line.cells.map((c) => `${c.row}-${c.side}`))].sort();
    const columns = Math.max(...line.cells.map((c) => c.column));
    return { rows, columns };
  }, [line]);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const el = e.target as HTMLElement;
      const cellId = el.dataset.cellId;
      if (!cellId) return;
      const cell = line.cells.find((c) => c.cellId === cellId)!;
      const rowIndex = layout.rows.indexOf(`${cell.row}-${cell.side}`);
      const move = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[e.key];
      if (!move) return;
      e.preventDefault();
      const targetRow = layout.rows[rowIndex + move[0]!];
      const targetColumn = cell.column + move[1]!;
      const target = line.cells.find((c) => `${c.row}-${c.side}` === targetRow && c.column === targetColumn);
      if (target) document.querySelector<HTMLElement>(`[data-cell-id="${target.cellId}"]`)?.focus();
    },
    [line, layout],
  );
  return (
    <article className="line" aria-labelledby={`line-${line.lineId}`}>
      <LineStrip line={line} controller={controller} roles={roles} />
      <div
        className="potroom"
        role="grid"
        aria-label={`${line.name}: cells by potroom position (arrow keys move, Enter opens)`}
        style={{ gridTemplateColumns: `repeat(${layout.columns}, var(--tile))` }}
        onKeyDown={onKeyDown}
      >
        {line.cells.map((c, i) => (
          <Tile
            key={c.cellId}
            store={store}
            cellId={c.cellId}
            line={line}
            gridRow={layout.rows.indexOf(`${c.row}-${c.side}`) + 1}
            gridColumn={c.column}
            first={i === 0}
          />
        ))}
      </div>
    </article>
  );
}

/** One formatter for every tile (making one per call costs more than the rest of a tile's render). */
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const clockTime = (ms: number) => TIME.format(ms);

/** Everything a tile shows, as one string: the tile re-renders only when it changes. */
function tileView(store: ControlRoomStore, cellId: string, line: PlantLine): string {
  const cell = store.cells.get(cellId);
  const v = cell?.tags.cellVoltage;
  const inManual = store.manualFor(cellId) !== undefined;
  const openAlerts = store.openAlertsOf(cellId);
  const state = tileState({
    voltageV: v?.value,
    stale: cell?.stale ?? true,
    anodeEffectThresholdV: line.envelope.anodeEffectThresholdV,
    inManual,
    openAlerts,
  });
  return [state, v?.value ?? '', v?.ts ?? '', cell?.sentAtMs ?? '', inManual ? 1 : 0, openAlerts].join('|');
}

/** One cell: colour, glyph and words by state; re-renders only when its own cell, override or alerts change. */
const Tile = memo(function Tile(props: {
  store: ControlRoomStore;
  cellId: string;
  line: PlantLine;
  gridRow: number;
  gridColumn: number;
  first: boolean;
}) {
  const { store, cellId, line } = props;
  const view = useStoreValue(store, keys.cell(cellId), () => tileView(store, cellId, line));
  const [stateText, valueText, tsText, sentText, manualText, alertsText] = view.split('|');
  const state = stateText as TileState;
  const inManual = manualText === '1';
  const openAlerts = Number(alertsText);
  const short = cellId.slice(cellId.indexOf('-') + 1);
  const details = valueText ? `, ${Number(valueText).toFixed(2)} V at ${clockTime(Number(tsText))}` : '';
  const badges = `${inManual && state !== 'manual' ? ', in manual' : ''}${openAlerts > 0 && state !== 'alert' ? `, ${openAlerts} open alert(s)` : ''}`;
  return (
    <a
      role="gridcell"
      className={`tile state-${state}${inManual ? ' is-manual' : ''}${openAlerts > 0 ? ' has-alert' : ''}`}
      href={`#/cell/${cellId}`}
      tabIndex={props.first ? 0 : -1}
      data-cell-id={cellId}
      data-state={state}
      data-ts={tsText || undefined}
      data-sent={sentText || undefined}
      style={{ gridRow: props.gridRow, gridColumn: props.gridColumn }}
      aria-label={`${cellId}: ${TILE_STATE_LABEL[state]}${details}${badges}`}
    >
      <span className="tile-id">{short.replace(/^C0*/, '')}</span>
      <span className="tile-glyph" aria-hidden="true">
        {TILE_STATE_GLYPH[state]}
      </span>
    </a>
  );
});

/** The line's figures and its manual switch; counts re-read at most once a frame. */
function LineStrip({
  line,
  controller,
  roles,
}: {
  line: PlantLine;
  controller: ControlRoomController;
  roles: readonly string[];
}) {
  const store = controller.store;
  const summary = useStoreValue(store, keys.line(line.lineId), () => lineSummary(store, line));
  const [counts, current] = useMemo(
    () => JSON.parse(summary) as [Record<string, number>, { kA?: number; ts?: number; stale: boolean }],
    [summary],
  );
  const manual = useStoreValue(store, keys.overrides, () => store.overrides.get(`line:${line.lineId}`));
  const kpiVersion = useStoreValue(store, keys.kpis, () => store.kpiVersion);
  const [secKWhPerKg, setSec] = useState<number | null | undefined>(undefined);
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<unknown>(undefined);
  const technology = store.plant?.model.technologies[line.technology]?.name ?? line.technology;

  useEffect(() => {
    let live = true;
    controller.api
      .get(`lines/${line.lineId}/kpis?${todayKpiQuery(Date.now())}`, LineKpis)
      .then((k) => live && setSec(k.totals.secKWhPerT === null ? null : k.totals.secKWhPerT / 1000))
      .catch(() => live && setSec(null));
    return () => {
      live = false;
    };
  }, [controller, line.lineId, kpiVersion]);

  return (
    <header className="line-strip">
      <h2 id={`line-${line.lineId}`}>
        {line.name} <span className="muted">{technology}</span>
        {manual ? <span className="badge manual">Line in manual</span> : null}
      </h2>
      <dl className="figures">
        <div>
          <dt>Line current</dt>
          <dd className={current.stale ? 'stale' : ''} data-testid={`line-current-${line.lineId}`}>
            {current.kA === undefined ? '—' : `${current.kA.toFixed(1)} kA`}
            {current.stale && current.kA !== undefined ? <span className="stale-tag"> stale</span> : null}
          </dd>
        </div>
        <div>
          <dt>Today, kWh/kg</dt>
          <dd title="From curated gold: hours appear once curated">
            {secKWhPerKg === undefined ? '…' : secKWhPerKg === null ? 'not curated yet' : secKWhPerKg.toFixed(2)}
          </dd>
        </div>
        {(['anode-effect', 'alert', 'manual', 'stale', 'normal'] as TileState[]).map((s) => (
          <div key={s}>
            <dt>{TILE_STATE_LABEL[s]}</dt>
            <dd data-testid={`count-${line.lineId}-${s}`}>{counts[s] ?? 0}</dd>
          </div>
        ))}
      </dl>
      {can(roles, 'requestManual') && !manual ? (
        <button type="button" onClick={() => setAsking(true)}>
          Put {line.lineId} in manual…
        </button>
      ) : null}
      <ProblemNote error={problem} context={`Manual for ${line.lineId}`} />
      <ConfirmDialog
        open={asking}
        danger
        title={`Put the whole line ${line.lineId} in manual?`}
        confirmLabel={`Put ${line.lineId} in manual`}
        reasonLabel="Reason (kept in the audit log and the ledger)"
        onCancel={() => setAsking(false)}
        onConfirm={async (reason) => {
          try {
            setProblem(undefined);
            store.applyOverride(
              await controller.api.post(
                'overrides',
                { scope: { kind: 'line', lineId: line.lineId }, reason },
                Override,
              ),
            );
            setAsking(false);
          } catch (err) {
            setProblem(err);
            setAsking(false);
          }
        }}
      >
        <p>Nothing will be dispatched to any cell of {line.name} or to its rectifier until a Manager releases it.</p>
      </ConfirmDialog>
    </header>
  );
}

/** The strip's figures as one string, so the strip re-renders only when they change. */
function lineSummary(store: ControlRoomStore, line: PlantLine): string {
  const counts: Record<string, number> = {};
  for (const c of line.cells) {
    const cell = store.cells.get(c.cellId);
    const v = cell?.tags.cellVoltage;
    const s = tileState({
      voltageV: v?.value,
      stale: cell?.stale ?? true,
      anodeEffectThresholdV: line.envelope.anodeEffectThresholdV,
      inManual: store.manualFor(c.cellId) !== undefined,
      openAlerts: store.openAlertsOf(c.cellId),
    });
    counts[s] = (counts[s] ?? 0) + 1;
  }
  const rect = store.cells.get(`${line.lineId}-LINE`);
  const current = rect?.tags.lineCurrent;
  return JSON.stringify([counts, { kA: current?.value, ts: current?.ts, stale: rect?.stale ?? true }]);
}
