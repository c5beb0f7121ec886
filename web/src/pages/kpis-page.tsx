import { useEffect, useState } from 'react';
import { describeProblem } from '../api/problem.js';
import { LineKpis } from '../api/schemas.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';
import { todayKpiQuery } from '../state/kpi-window.js';

/** How often a screen without live updates (the Executive's) reads the KPIs again, ms: curation runs hourly. */
const REFRESH_MS = 5 * 60_000;

/** Today's KPIs per line (UTC day, curated hours so far): what the Executive view is, read-only. */
export function KpisPage({ controller, live }: { controller: ControlRoomController; live: boolean }) {
  const { store, api } = controller;
  useStoreValue(store, keys.plant, () => store.plant);
  const version = useStoreValue(store, keys.kpis, () => store.kpiVersion);
  const [tick, setTick] = useState(0);
  const [rows, setRows] = useState<Record<string, { kpis: LineKpis } | { error: string }>>({});
  useEffect(() => {
    if (live) return;
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, [live]);
  useEffect(() => {
    let on = true;
    for (const line of store.lines)
      api.get(`lines/${line.lineId}/kpis?${todayKpiQuery(Date.now())}`, LineKpis).then(
        (kpis) => on && setRows((r) => ({ ...r, [line.lineId]: { kpis } })),
        (err: unknown) => {
          const { code, message } = describeProblem(err);
          if (on) setRows((r) => ({ ...r, [line.lineId]: { error: `${code}: ${message}` } }));
        },
      );
    return () => {
      on = false;
    };
  }, [api, store.lines, version, tick]);

  return (
    <section aria-labelledby="kpis-title">
      <h1 id="kpis-title">Today’s KPIs per line</h1>
      <p className="muted">UTC day so far, from curated gold (hours appear once curation reaches them).</p>
      <table className="list" data-testid="kpis">
        <thead>
          <tr>
            <th>Line</th>
            <th>Production</th>
            <th>Energy</th>
            <th>kWh/kg</th>
            <th>CO₂e</th>
            <th>Anode effects</th>
            <th>Hours</th>
          </tr>
        </thead>
        <tbody>
          {store.lines.map((l) => {
            const k = rows[l.lineId];
            if (!k)
              return (
                <tr key={l.lineId}>
                  <td>{l.name}</td>
                  <td colSpan={6}>…</td>
                </tr>
              );
            if ('error' in k)
              return (
                <tr key={l.lineId}>
                  <td>{l.name}</td>
                  <td colSpan={6}>No curated hours today ({k.error})</td>
                </tr>
              );
            const t = k.kpis.totals;
            return (
              <tr key={l.lineId}>
                <td>{l.name}</td>
                <td>{t.productionT.toFixed(1)} t</td>
                <td>{(t.energyKWh / 1000).toFixed(1)} MWh</td>
                <td>{t.secKWhPerT === null ? '—' : (t.secKWhPerT / 1000).toFixed(2)}</td>
                <td>{t.co2eTotalT.toFixed(1)} t</td>
                <td>{t.anodeEffectCount}</td>
                <td>{k.kpis.periods.length}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
