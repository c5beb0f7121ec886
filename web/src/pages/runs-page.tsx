import { useEffect, useState } from 'react';
import { ApprovalAccepted, ProposalView, RunAccepted, type Run } from '../api/schemas.js';
import { can } from '../capabilities.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ProblemNote } from '../components/problem-note.js';
import type { ControlRoomController } from '../live/controller.js';
import { keys } from '../live/store.js';
import { useStoreValue } from '../live/use-store.js';
import { runStatus } from '../state/run-status.js';

/** Optimisation runs of the day: start one, read its proposal cell by cell, approve or reject it with a reason. */
export function RunsPage({
  controller,
  roles,
  runId,
}: {
  controller: ControlRoomController;
  roles: readonly string[];
  runId?: string;
}) {
  const { store, api } = controller;
  const runs = useStoreValue(store, keys.runs, () => store.runs);
  useStoreValue(store, keys.runs, () => store.runSteps);
  const [lineId, setLineId] = useState(store.lines[0]?.lineId ?? '');
  const [mode, setMode] = useState<'advisory' | 'closed-loop'>('advisory');
  const [problem, setProblem] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const sorted = [...runs.values()].sort((a, b) => b.createdTime.localeCompare(a.createdTime));
  const selected = runId ? runs.get(runId) : undefined;

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Optimisation runs</h1>
      <ProblemNote error={problem} />
      {can(roles, 'startAdvisoryRun') ? (
        <form
          className="filters"
          aria-label="Start a run"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setProblem(undefined);
            api
              .post('optimizations', { lineId, mode }, RunAccepted)
              .then(async (r) => {
                await controller.refreshRun(r.runId).catch(() => undefined);
                window.location.hash = `#/runs/${r.runId}`;
              }, setProblem)
              .finally(() => setBusy(false));
          }}
        >
          <label className="field">
            <span>Line</span>
            <select value={lineId} onChange={(e) => setLineId(e.target.value)}>
              {store.lines.map((l) => (
                <option key={l.lineId} value={l.lineId}>
                  {l.lineId} — {l.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Mode</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as 'advisory' | 'closed-loop')}>
              <option value="advisory">advisory (waits for approval)</option>
              {can(roles, 'startClosedLoopRun') ? (
                <option value="closed-loop">closed-loop (recommends at once)</option>
              ) : null}
            </select>
          </label>
          <button type="submit" disabled={busy || !lineId}>
            {busy ? 'Starting…' : 'Start run'}
          </button>
        </form>
      ) : null}
      <div className="split">
        <table className="list" data-testid="runs">
          <thead>
            <tr>
              <th>Started</th>
              <th>Run</th>
              <th>Line</th>
              <th>Mode</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sorted.length === 0 ? (
              <tr>
                <td colSpan={5}>No runs in the last 24 h.</td>
              </tr>
            ) : null}
            {sorted.map((r) => {
              const s = runStatus(r, store.runSteps.get(r.runId));
              return (
                <tr
                  key={r.runId}
                  data-run-id={r.runId}
                  data-phase={s.phase}
                  className={r.runId === runId ? 'selected' : ''}
                >
                  <td>{new Date(r.createdTime).toLocaleTimeString()}</td>
                  <td>
                    <a href={`#/runs/${r.runId}`}>{r.runId}</a>
                  </td>
                  <td>{r.lineId}</td>
                  <td>{r.mode}</td>
                  <td>{s.label}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {selected ? <RunDetail run={selected} controller={controller} roles={roles} /> : null}
      </div>
    </section>
  );
}

function RunDetail({
  run,
  controller,
  roles,
}: {
  run: Run;
  controller: ControlRoomController;
  roles: readonly string[];
}) {
  const { store, api } = controller;
  const status = runStatus(run, store.runSteps.get(run.runId));
  const [proposal, setProposal] = useState<ProposalView | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const [deciding, setDeciding] = useState<'approve' | 'reject' | undefined>();
  const hasProposal =
    status.phase === 'awaiting-approval' || run.progress?.proposal !== undefined || status.phase === 'completed';

  useEffect(() => {
    let on = true;
    if (!hasProposal) return;
    api.get(`optimizations/${run.runId}/proposal`, ProposalView).then(
      (p) => on && setProposal(p),
      () => on && setProposal(undefined),
    );
    return () => {
      on = false;
    };
  }, [api, run.runId, hasProposal]);

  const p = run.progress?.proposal;
  return (
    <article className="run-detail" aria-labelledby="run-title" data-testid="run-detail" data-phase={status.phase}>
      <h2 id="run-title">{run.runId}</h2>
      <p>
        <strong data-testid="run-status">{status.label}</strong> · {run.mode} · requested by {run.requestedBy} (
        {run.trigger})
      </p>
      {run.progress?.approvalDeadline && status.phase === 'awaiting-approval' ? (
        <p>
          Waits for a decision until {new Date(run.progress.approvalDeadline).toLocaleTimeString()}; unanswered, nothing
          changes.
        </p>
      ) : null}
      {run.result?.reason || run.progress?.reason ? (
        <p className="muted">{run.result?.reason ?? run.progress?.reason}</p>
      ) : null}
      {run.error ? <p className="problem">{run.error}</p> : null}
      {p ? (
        <dl className="figures">
          <div>
            <dt>Predicted SEC change</dt>
            <dd>{p.secChangePct === null ? '—' : `${p.secChangePct.toFixed(2)} %`}</dd>
          </div>
          <div>
            <dt>kWh/kg</dt>
            <dd>
              {p.baselineKWhPerKg?.toFixed(3) ?? '—'} → {p.objectiveKWhPerKg?.toFixed(3) ?? '—'}
            </dd>
          </div>
          <div>
            <dt>Cells changed</dt>
            <dd>{p.cellsChanged}</dd>
          </div>
          <div>
            <dt>Optimiser</dt>
            <dd>{p.optimizerStatus}</dd>
          </div>
        </dl>
      ) : null}
      <ProblemNote error={problem} />
      {status.phase === 'awaiting-approval' && can(roles, 'decideRun') ? (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setDeciding('approve')}>
            Approve…
          </button>
          <button type="button" onClick={() => setDeciding('reject')}>
            Reject…
          </button>
        </div>
      ) : null}
      {proposal ? (
        <>
          <h3>Proposal, cell by cell</h3>
          <p className="muted">
            Line: {proposal.line.secKWhPerKg.before.toFixed(3)} → {proposal.line.secKWhPerKg.after.toFixed(3)} kWh/kg (
            {proposal.line.secKWhPerKg.changePct.toFixed(2)} %), production{' '}
            {proposal.line.productionKgPerDay.changePct.toFixed(2)} %.
          </p>
          <table className="list compact" data-testid="proposal">
            <thead>
              <tr>
                <th>Cell</th>
                <th>Changes</th>
                <th>kWh/kg</th>
                <th>Voltage</th>
                <th>Bath °C</th>
              </tr>
            </thead>
            <tbody>
              {proposal.cells.map((c) => (
                <tr key={c.cellId}>
                  <td>{c.cellId}</td>
                  <td>
                    {c.changes
                      .map((x) => `${x.variable} ${x.from.toFixed(2)} → ${x.to.toFixed(2)} ${x.unit}`)
                      .join('; ')}
                  </td>
                  <td>
                    {c.secKWhPerKg ? `${c.secKWhPerKg.before.toFixed(2)} → ${c.secKWhPerKg.after.toFixed(2)}` : '—'}
                  </td>
                  <td>
                    {c.cellVoltageV ? `${c.cellVoltageV.before.toFixed(3)} → ${c.cellVoltageV.after.toFixed(3)}` : '—'}
                  </td>
                  <td>{c.bathTempC ? `${c.bathTempC.before.toFixed(1)} → ${c.bathTempC.after.toFixed(1)}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <ConfirmDialog
        open={deciding !== undefined}
        title={deciding === 'approve' ? `Approve ${run.runId}?` : `Reject ${run.runId}?`}
        confirmLabel={deciding === 'approve' ? 'Approve' : 'Reject'}
        reasonLabel="Reason (kept with the run, in the audit log and the ledger)"
        onCancel={() => setDeciding(undefined)}
        onConfirm={async (reason) => {
          try {
            setProblem(undefined);
            await api.post(`optimizations/${run.runId}/approval`, { decision: deciding, reason }, ApprovalAccepted);
            store.noteRunStep(run.runId, 'recording', undefined);
          } catch (err) {
            setProblem(err);
          }
          setDeciding(undefined);
        }}
      >
        <p>
          {deciding === 'approve'
            ? `The proposed set points of ${p?.cellsChanged ?? 'its'} cell(s) go to the SCADA dispatcher, through the safety envelope.`
            : 'The present set points stay; the run ends with no change.'}
        </p>
      </ConfirmDialog>
    </article>
  );
}
