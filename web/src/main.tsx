import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { entraSession, restoreDevSession, type Session } from './auth/session.js';
import { SignInPage } from './auth/sign-in-page.js';
import { ProblemNote } from './components/problem-note.js';
import type { AppConfig } from './config.js';
import { loadConfig } from './load-config.js';
import './styles.css';

function Root() {
  const [config, setConfig] = useState<AppConfig | undefined>();
  const [session, setSession] = useState<Session | undefined>();
  const [problem, setProblem] = useState<unknown>();
  useEffect(() => {
    loadConfig()
      .then(async (c) => {
        setConfig(c);
        if (c.auth.kind === 'dev') setSession(restoreDevSession());
        else setSession(await entraSession(c.auth));
      })
      .catch(setProblem);
  }, []);
  if (problem) return <ProblemNote error={problem} context="Starting the control room" />;
  if (!config) return <p>Loading…</p>;
  if (!session)
    return config.auth.kind === 'dev' ? (
      <SignInPage issuerUrl={config.auth.issuerUrl} onSignedIn={setSession} />
    ) : (
      <p>Signing in with your organisation account…</p>
    );
  return <App apiBaseUrl={config.apiBaseUrl} session={session} onSignOut={() => setSession(undefined)} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
