import { describeProblem } from '../api/problem.js';

/** A refusal or failure as the API stated it: its ERR code and message, announced to screen readers. */
export function ProblemNote({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  const { code, message } = describeProblem(error);
  return (
    <div className="problem" role="alert" data-code={code}>
      {context ? <span className="problem-context">{context}: </span> : null}
      <strong className="problem-code">{code}</strong> <span className="problem-message">{message}</span>
    </div>
  );
}
