import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { apiClient } from './api/client.js';
import type { Session } from './auth/session.js';
import { can } from './capabilities.js';
import { DisconnectedBanner, LiveBadge } from './components/live-badge.js';
import { ProblemNote } from './components/problem-note.js';
import { ControlRoomController } from './live/controller.js';
import { keys, ControlRoomStore } from './live/store.js';
import { useStoreValue } from './live/use-store.js';
import { AlertsPage } from './pages/alerts-page.js';
import { KpisPage } from './pages/kpis-page.js';
import { MapPage } from './pages/map-page.js';
import { OverridesPage } from './pages/overrides-page.js';
import { RunsPage } from './pages/runs-page.js';

/** Routes live in the URL's hash (#/map, #/cell/L1-C001, #/runs/opt-…): any static host serves the app as is. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App({ apiBaseUrl, session, onSignOut }: { apiBaseUrl: string; session: Session; onSignOut(): void }) {
  const roles = session.roles;
  const floor = can(roles, 'viewFloor');
  const controller = useMemo(
    () =>
      new ControlRoomController(
        apiClient(apiBaseUrl, () => session.token()),
        new ControlRoomStore(),
        roles,
      ),
    [apiBaseUrl, session, roles],
  );
  const [problem, setProblem] = useState<unknown>();
  const plant = useStoreValue(controller.store, keys.plant, () => controller.store.plant);
  const liveState = useStoreValue(controller.store, keys.status, () => controller.store.status.state);
  useEffect(() => {
    controller.start().catch(setProblem);
    return () => void controller.stop();
  }, [controller]);
  const [page, arg] = useRoute();
  const current = page ?? (floor ? 'map' : 'kpis');
  const nav = [
    ...(floor
      ? [
          ['map', 'Potline map'],
          ['alerts', 'Alerts'],
          ['overrides', 'Manual'],
          ['runs', 'Runs'],
        ]
      : []),
    ...(can(roles, 'viewKpis') ? [['kpis', 'KPIs']] : []),
  ];

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">{plant?.model.site.name ?? 'Smelter'} · control room</div>
        <nav aria-label="Pages">
          {nav.map(([id, label]) => (
            <a key={id} href={`#/${id}`} aria-current={current === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {floor ? <LiveBadge store={controller.store} /> : <span className="live-badge off">Read-only KPIs</span>}
        <div className="who">
          <span data-testid="who">
            {session.name} ({roles.join(', ') || 'no role'})
          </span>
          <button
            type="button"
            onClick={() => {
              void session.signOut().then(onSignOut);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      {floor ? <DisconnectedBanner store={controller.store} /> : null}
      <main id="main" className={!floor || liveState === 'connected' ? '' : 'not-live'}>
        <ProblemNote error={problem} context="Loading the plant" />
        {!plant ? (
          <p>Loading the plant…</p>
        ) : (
          <Page page={current} arg={arg} controller={controller} roles={roles} floor={floor} />
        )}
      </main>
    </div>
  );
}

// The cell view (and its chart library) loads when first opened: the map, the first screen, needs neither.
const CellPage = lazy(() => import('./pages/cell-page.js').then((m) => ({ default: m.CellPage })));

function Page(p: {
  page: string;
  arg: string | undefined;
  controller: ControlRoomController;
  roles: readonly string[];
  floor: boolean;
}) {
  if (!p.floor && p.page !== 'kpis') return <KpisPage controller={p.controller} live={false} />;
  switch (p.page) {
    case 'cell':
      return (
        <Suspense fallback={<p>Loading the cell view…</p>}>
          <CellPage controller={p.controller} roles={p.roles} cellId={p.arg ?? ''} />
        </Suspense>
      );
    case 'alerts':
      return <AlertsPage controller={p.controller} roles={p.roles} />;
    case 'overrides':
      return <OverridesPage controller={p.controller} roles={p.roles} />;
    case 'runs':
      return <RunsPage controller={p.controller} roles={p.roles} {...(p.arg ? { runId: p.arg } : {})} />;
    case 'kpis':
      return <KpisPage controller={p.controller} live={p.floor} />;
    default:
      return <MapPage controller={p.controller} roles={p.roles} />;
  }
}
