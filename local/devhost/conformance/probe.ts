/**
 * What a conformance fixture's handlers tell the test running in the same process: every call with what the host
 * gave it, how many run at once, and gates the test opens to let a parked handler finish. Kept on globalThis so the
 * app (imported by the devhost) and the test share one probe even if the module is loaded twice.
 */
export interface ProbeCall {
  fn: string;
  /** Anything the handler wants the test to see (trigger metadata, retry context, body). */
  data: Record<string, unknown>;
  /** Wall-clock order of the call. */
  seq: number;
}

interface ProbeState {
  calls: ProbeCall[];
  inFlight: Map<string, number>;
  maxInFlight: Map<string, number>;
  gates: Map<string, { promise: Promise<void>; open: () => void }>;
  seq: number;
}

const KEY = Symbol.for('smelter.devhost.conformance.probe');

function state(): ProbeState {
  const g = globalThis as unknown as Record<symbol, ProbeState | undefined>;
  g[KEY] ??= { calls: [], inFlight: new Map(), maxInFlight: new Map(), gates: new Map(), seq: 0 };
  return g[KEY];
}

/** Records a call of `fn`. */
export function recordCall(fn: string, data: Record<string, unknown> = {}): void {
  const s = state();
  s.calls.push({ fn, data, seq: s.seq++ });
}

/** Calls recorded for `fn`, in order. */
export function callsOf(fn: string): ProbeCall[] {
  return state().calls.filter((c) => c.fn === fn);
}

/** The gate called `name` (created closed on first use). */
function gate(name: string): { promise: Promise<void>; open: () => void } {
  const s = state();
  let g = s.gates.get(name);
  if (!g) {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    g = { promise, open };
    s.gates.set(name, g);
  }
  return g;
}

/** Waits until the test opens gate `name`. */
export function waitAtGate(name: string): Promise<void> {
  return gate(name).promise;
}

/** Opens gate `name`: every handler waiting there, and every later one, goes on. */
export function openGate(name: string): void {
  gate(name).open();
}

/** Runs `body` counted as one of `fn`'s invocations in flight. */
export async function inFlight<T>(fn: string, body: () => Promise<T>): Promise<T> {
  const s = state();
  const now = (s.inFlight.get(fn) ?? 0) + 1;
  s.inFlight.set(fn, now);
  s.maxInFlight.set(fn, Math.max(s.maxInFlight.get(fn) ?? 0, now));
  try {
    return await body();
  } finally {
    s.inFlight.set(fn, (s.inFlight.get(fn) ?? 1) - 1);
  }
}

/** Invocations of `fn` running now, and the most that ran at once. */
export function concurrencyOf(fn: string): { now: number; max: number } {
  const s = state();
  return { now: s.inFlight.get(fn) ?? 0, max: s.maxInFlight.get(fn) ?? 0 };
}
