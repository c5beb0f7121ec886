import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A modal confirmation with a required reason (native <dialog>: focus moves into it, Escape cancels, the page behind
 * is inert). `onConfirm` gets the reason; while it runs the buttons are disabled; a thrown error is shown by the caller.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Ask for a reason (3–500 characters, as the API requires). */
  reasonLabel?: string;
  danger?: boolean;
  onConfirm(reason: string): Promise<void>;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      setReason('');
      d.showModal();
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  const reasonOk = !props.reasonLabel || reason.trim().length >= 3;
  return (
    <dialog
      ref={ref}
      className={`confirm ${props.danger ? 'danger' : ''}`}
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) props.onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!reasonOk || busy) return;
          setBusy(true);
          void props.onConfirm(reason.trim()).finally(() => setBusy(false));
        }}
      >
        <h2 id="confirm-title">{props.title}</h2>
        <div className="confirm-body">{props.children}</div>
        {props.reasonLabel ? (
          <label className="field">
            <span>{props.reasonLabel}</span>
            <textarea
              name="reason"
              required
              minLength={3}
              maxLength={500}
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          </label>
        ) : null}
        <div className="confirm-actions">
          <button type="button" onClick={props.onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={props.danger ? 'primary danger' : 'primary'} disabled={!reasonOk || busy}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
