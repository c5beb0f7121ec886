import { useState } from 'react';
import { PERSON_ROLES, type PersonRole } from '../capabilities.js';
import { ProblemNote } from '../components/problem-note.js';
import { devSignIn, type Session } from './session.js';

const WHAT: Record<PersonRole, string> = {
  Operator: 'the floor: map, cells, alerts; puts cells in manual',
  Engineer: 'as Operator, plus starting advisory runs and deciding them',
  Manager: 'everything, including releasing manual and closed-loop runs',
  Executive: "today's KPIs per line, read-only",
};

/** Local sign-in on the development issuer: pick a role (in Azure, Entra ID signs people in instead). */
export function SignInPage({ issuerUrl, onSignedIn }: { issuerUrl: string; onSignedIn(s: Session): void }) {
  const [role, setRole] = useState<PersonRole>('Operator');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>Smelter control room</h1>
      <p className="muted">
        Development sign-in: tokens come from the local issuer, and the API checks them as it checks Entra ID tokens.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          devSignIn(issuerUrl, role, name.trim() || role.toLowerCase())
            .then(onSignedIn, setProblem)
            .finally(() => setBusy(false));
        }}
      >
        <fieldset>
          <legend>Role</legend>
          {PERSON_ROLES.map((r) => (
            <label key={r} className="choice">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <strong>{r}</strong> <span className="muted">— {WHAT[r]}</span>
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={role.toLowerCase()}
            maxLength={64}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : `Sign in as ${role}`}
        </button>
        <ProblemNote error={problem} />
      </form>
    </main>
  );
}
