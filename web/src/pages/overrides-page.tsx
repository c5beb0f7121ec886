import { useState } from 'react';
import { Override, type OverrideScope } from '../api/schemas.js';
import { can } from '../capabilities.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ProblemNote } from '../components/problem-note.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';

/** What is in manual now; put a cell or a line in manual (with a confirmation), release it (Manager). */
export function OverridesPage({ controller, roles }: { controller: ControlRoomController; roles: readonly string[] }) {
  const { store, api } = controller;
  const overrides = useStoreValue(store, keys.overrides, () => store.overrides);
  const [kind, setKind] = useState<'cell' | 'line'>('cell');
  const [target, setTarget] = useState('');
  const [asking, setAsking] = useState<{ action: 'manual' | 'release'; scope: OverrideScope } | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const scopeOf = (): OverrideScope | undefined =>
    !target ? undefined : kind === 'cell' ? { kind: 'cell', cellId: target } : { kind: 'line', lineId: target };
  const label = (s: OverrideScope) => (s.kind === 'cell' ? `cell ${s.cellId}` : `line ${s.lineId}`);

  return (
    <section aria-labelledby="overrides-title">
      <h1 id="overrides-title">Manual override</h1>
      <ProblemNote error={problem} />
      {can(roles, 'requestManual') ? (
        <form
          className="filters"
          aria-label="Put in manual"
          onSubmit={(e) => {
            e.preventDefault();
            const scope = scopeOf();
            if (scope) setAsking({ action: 'manual', scope });
          }}
        >
          <label className="field">
            <span>What</span>
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as 'cell' | 'line');
                setTarget('');
              }}
            >
              <option value="cell">a cell</option>
              <option value="line">a whole line</option>
            </select>
          </label>
          <label className="field">
            <span>{kind === 'cell' ? 'Cell' : 'Line'}</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)} required>
              <option value="">choose…</option>
              {kind === 'line'
                ? store.lines.map((l) => (
                    <option key={l.lineId} value={l.lineId}>
                      {l.lineId} — {l.name}
                    </option>
                  ))
                : store.lines.flatMap((l) =>
                    l.cells.map((c) => (
                      <option key={c.cellId} value={c.cellId}>
                        {c.cellId}
                      </option>
                    )),
                  )}
            </select>
          </label>
          <button type="submit" className="danger" disabled={!target}>
            Put in manual…
          </button>
        </form>
      ) : null}
      <table className="list" data-testid="overrides">
        <thead>
          <tr>
            <th>In manual</th>
            <th>Since</th>
            <th>By</th>
            <th>Reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {overrides.size === 0 ? (
            <tr>
              <td colSpan={5}>Nothing is in manual.</td>
            </tr>
          ) : null}
          {[...overrides.values()].map((o) => (
            <tr key={o.scopeKey} data-scope={o.scopeKey}>
              <td>{label(o.scope)}</td>
              <td>{new Date(o.requestedAtMs).toLocaleString()}</td>
              <td>{o.requestedBy}</td>
              <td>{o.reason}</td>
              <td>
                {can(roles, 'releaseManual') ? (
                  <button type="button" onClick={() => setAsking({ action: 'release', scope: o.scope })}>
                    Release…
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={asking !== undefined}
        danger={asking?.action === 'manual'}
        title={
          asking?.action === 'manual'
            ? `Put ${asking ? label(asking.scope) : ''} in manual?`
            : `Release ${asking ? label(asking.scope) : ''}?`
        }
        confirmLabel={asking?.action === 'manual' ? 'Put in manual' : 'Release'}
        reasonLabel="Reason (kept in the audit log and the ledger)"
        onCancel={() => setAsking(undefined)}
        onConfirm={async (reason) => {
          const a = asking!;
          try {
            setProblem(undefined);
            const path = a.action === 'manual' ? 'overrides' : 'overrides/release';
            store.applyOverride(await api.post(path, { scope: a.scope, reason }, Override));
          } catch (err) {
            setProblem(err);
          }
          setAsking(undefined);
        }}
      >
        <p>
          {asking?.action === 'manual'
            ? 'Nothing will be dispatched to it until a Manager releases it.'
            : 'Automatic set points may reach it again.'}
        </p>
      </ConfirmDialog>
    </section>
  );
}
