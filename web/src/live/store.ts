/**
 * Everything a control-room screen shows, kept outside React so a change notifies only the components that read it:
 * a tile hears about its own cell, a line strip about its line, the alert list about alerts. Notifications are
 * batched into one per animation frame, so 300 cell updates a second cost one render pass per frame, not 300.
 */
import type {
  CellStatesMessage,
  CommandsChangedMessage,
  OverrideChangedMessage,
} from '../../../shared/realtime/messages.js';
import type { Alert, CellState, Override, PlantLine, PlantView, Run } from '../api/schemas.js';
import { isStale } from '../state/tile-state.js';

export interface LiveTagValue {
  value: number;
  ts: number;
}

/** A cell as the screen knows it: its latest values, when they were sent, and whether they are stale now. */
export interface CellSnapshot {
  cellId: string;
  lineId: string;
  tags: Readonly<Record<string, LiveTagValue>>;
  /** When the server sent the newest values (push), or undefined for values read from the API. */
  sentAtMs?: number;
  /** Too old to show as live (the line's staleDataMaxAgeMs), re-judged every second. */
  stale: boolean;
}

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'off';
export interface LiveStatus {
  state: LiveState;
  /** When the state began, epoch ms. */
  sinceMs: number;
  /** Why the last connection attempt failed, if it did. */
  error?: string;
}

export interface RecentCommand {
  commandId: string;
  equipmentId: string;
  state: string;
  reasons: string[];
  atMs: number;
}

type Listener = () => void;

/** Keys components subscribe to. */
export const keys = {
  cell: (cellId: string) => `cell:${cellId}`,
  line: (lineId: string) => `line:${lineId}`,
  commands: (equipmentId: string) => `commands:${equipmentId}`,
  overrides: 'overrides',
  alerts: 'alerts',
  runs: 'runs',
  status: 'status',
  plant: 'plant',
  kpis: 'kpis',
} as const;

/** A line strip's figures (counts, line current) are redrawn at most this often, ms. */
const LINE_SUMMARY_MS = 500;

/** How many commands per piece of equipment the screen remembers from pushes. */
const RECENT_COMMANDS = 20;

/**
 * The store. What a component reads is compared by identity: a collection read whole (overrides, alerts, runs) is
 * replaced when it changes, never changed in place; a cell or a command list read by its key is a new object.
 */
export class ControlRoomStore {
  plant: PlantView | undefined;
  lines: PlantLine[] = [];
  readonly lineOfCell = new Map<string, PlantLine>();
  readonly cells = new Map<string, CellSnapshot>();
  /** Overrides in force (manual), by scope key. */
  overrides = new Map<string, Override>();
  /** Open alerts (active or acknowledged), by id. */
  alerts = new Map<string, Alert>();
  runs = new Map<string, Run>();
  /**
   * A run's last step as pushed (its end event may arrive before the orchestration itself reads Completed, so the
   * pushed outcome is shown until the run reads the same).
   */
  runSteps = new Map<string, { step?: string; outcome?: string }>();
  readonly commands = new Map<string, RecentCommand[]>();
  status: LiveStatus = { state: 'off', sinceMs: Date.now() };
  /** Bumped when curated KPIs changed (kpisChanged): the KPI view reads again. */
  kpiVersion = 0;
  /** Cell messages received and their cells, for the screen's own health line. */
  readonly counters = { cellMessages: 0, cellUpdates: 0, invalidMessages: 0 };

  readonly #listeners = new Map<string, Set<Listener>>();
  /** Lines whose strip is due to be told (at most once per LINE_SUMMARY_MS: 100 tiles a line need not redraw it 60 times a second). */
  readonly #linesDue = new Set<string>();
  #lineTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #pending = new Set<string>();
  #frame: number | undefined;
  #openAlertsByCell = new Map<string, number>();

  subscribe(key: string, listener: Listener): () => void {
    let set = this.#listeners.get(key);
    if (!set) this.#listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Marks `key` changed; listeners hear once, at the next animation frame. */
  notify(key: string): void {
    this.#pending.add(key);
    if (this.#frame !== undefined) return;
    const flush = () => {
      this.#frame = undefined;
      const due = [...this.#pending];
      this.#pending.clear();
      for (const k of due) for (const l of this.#listeners.get(k) ?? []) l();
    };
    this.#frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(flush)
        : (setTimeout(flush, 16) as unknown as number);
  }

  /** Tells a line's strip that something of the line changed, batched to once per LINE_SUMMARY_MS. */
  notifyLine(lineId: string): void {
    this.#linesDue.add(lineId);
    if (this.#lineTimer !== undefined) return;
    this.#lineTimer = setTimeout(() => {
      this.#lineTimer = undefined;
      for (const l of this.#linesDue) this.notify(keys.line(l));
      this.#linesDue.clear();
    }, LINE_SUMMARY_MS);
  }

  setPlant(plant: PlantView): void {
    this.plant = plant;
    this.lines = plant.model.areas.flatMap((a) => a.lines);
    this.lineOfCell.clear();
    for (const line of this.lines) {
      for (const c of line.cells) this.lineOfCell.set(c.cellId, line);
      this.lineOfCell.set(`${line.lineId}-LINE`, line);
    }
    this.notify(keys.plant);
  }

  /** Replaces what is known of the line's cells with the API's answer (after a (re)connect: fills what was missed). */
  seedCells(states: readonly CellState[], nowMs: number): void {
    for (const s of states) {
      const current = this.cells.get(s.cellId);
      const tags: Record<string, LiveTagValue> = { ...(current?.tags ?? {}) };
      for (const [tag, t] of Object.entries(s.tags))
        if (!tags[tag] || tags[tag]!.ts < t.ts) tags[tag] = { value: t.value, ts: t.ts };
      this.#putCell(
        {
          cellId: s.cellId,
          lineId: s.lineId,
          tags,
          ...(current?.sentAtMs ? { sentAtMs: current.sentAtMs } : {}),
          stale: false,
        },
        nowMs,
      );
    }
  }

  /** Applies a `cellStates` push: newer values win (a late message never rolls a value back). */
  applyCellStates(m: CellStatesMessage, nowMs: number): void {
    this.counters.cellMessages++;
    for (const c of m.cells) {
      if (!this.lineOfCell.has(c.cellId)) continue;
      const current = this.cells.get(c.cellId);
      const tags: Record<string, LiveTagValue> = { ...(current?.tags ?? {}) };
      let changed = !current;
      for (const [tag, t] of Object.entries(c.tags)) {
        const had = tags[tag];
        if (had && had.ts >= t.ts) continue;
        tags[tag] = t;
        changed = true;
      }
      if (!changed) continue;
      this.counters.cellUpdates++;
      this.#putCell({ cellId: c.cellId, lineId: c.lineId, tags, sentAtMs: m.sentAtMs, stale: false }, nowMs);
    }
  }

  #putCell(snapshot: CellSnapshot, nowMs: number): void {
    const line = this.lineOfCell.get(snapshot.cellId);
    const ts = snapshot.tags.cellVoltage?.ts ?? snapshot.tags.lineCurrent?.ts;
    const stale = isStale(ts, nowMs, line?.envelope.staleDataMaxAgeMs ?? 60_000);
    this.cells.set(snapshot.cellId, { ...snapshot, stale });
    this.notify(keys.cell(snapshot.cellId));
    this.notifyLine(snapshot.lineId);
  }

  /** Re-judges staleness against the clock; notifies only cells whose verdict flipped. */
  tick(nowMs: number): void {
    for (const [cellId, cell] of this.cells) {
      const line = this.lineOfCell.get(cellId);
      const ts = cell.tags.cellVoltage?.ts ?? cell.tags.lineCurrent?.ts;
      const stale = isStale(ts, nowMs, line?.envelope.staleDataMaxAgeMs ?? 60_000);
      if (stale === cell.stale) continue;
      this.cells.set(cellId, { ...cell, stale });
      this.notify(keys.cell(cellId));
      this.notifyLine(cell.lineId);
    }
  }

  setOverrides(items: readonly Override[]): void {
    this.overrides = new Map(items.filter((o) => o.mode === 'manual').map((o) => [o.scopeKey, o]));
    this.#overridesChanged();
  }

  applyOverride(o: OverrideChangedMessage | Override): void {
    const known = this.overrides.get(o.scopeKey);
    if (known && known.updatedAtMs > o.updatedAtMs) return;
    // A new map for every change: screens compare what they read by identity.
    const next = new Map(this.overrides);
    if (o.mode === 'manual') next.set(o.scopeKey, o as Override);
    else next.delete(o.scopeKey);
    this.overrides = next;
    this.#overridesChanged(
      o.scope.kind === 'cell' ? [o.scope.cellId] : undefined,
      o.scope.kind === 'line' ? o.scope.lineId : undefined,
    );
  }

  #overridesChanged(cellIds?: string[], lineId?: string): void {
    this.notify(keys.overrides);
    const touchedLines = new Set<string>();
    if (cellIds) for (const id of cellIds) this.notify(keys.cell(id));
    else if (lineId) {
      for (const [id, l] of this.lineOfCell) if (l.lineId === lineId) this.notify(keys.cell(id));
    } else for (const id of this.lineOfCell.keys()) this.notify(keys.cell(id));
    for (const l of this.lines) touchedLines.add(l.lineId);
    for (const l of touchedLines) this.notify(keys.line(l));
  }

  /** The override that holds a cell in manual (its own or its line's), if any. */
  manualFor(cellId: string): Override | undefined {
    const line = this.lineOfCell.get(cellId)?.lineId;
    return this.overrides.get(`cell:${cellId}`) ?? (line ? this.overrides.get(`line:${line}`) : undefined);
  }

  setAlerts(items: readonly Alert[]): void {
    const before = this.#openAlertsByCell;
    this.alerts = new Map(items.filter((a) => a.state !== 'cleared').map((a) => [a.alertId, a]));
    this.#openAlertsByCell = new Map();
    for (const a of this.alerts.values())
      if (a.cellId) this.#openAlertsByCell.set(a.cellId, (this.#openAlertsByCell.get(a.cellId) ?? 0) + 1);
    for (const id of new Set([...before.keys(), ...this.#openAlertsByCell.keys()]))
      if (before.get(id) !== this.#openAlertsByCell.get(id)) this.notify(keys.cell(id));
    for (const l of this.lines) this.notify(keys.line(l.lineId));
    this.notify(keys.alerts);
  }

  openAlertsOf(cellId: string): number {
    return this.#openAlertsByCell.get(cellId) ?? 0;
  }

  setRuns(items: readonly Run[]): void {
    this.runs = new Map(items.map((r) => [r.runId, r]));
    this.notify(keys.runs);
  }

  putRun(run: Run): void {
    this.runs = new Map(this.runs).set(run.runId, run);
    this.notify(keys.runs);
  }

  noteRunStep(runId: string, step: string | undefined, outcome: string | undefined): void {
    this.runSteps = new Map(this.runSteps).set(runId, { ...(step ? { step } : {}), ...(outcome ? { outcome } : {}) });
    this.notify(keys.runs);
  }

  applyCommands(m: CommandsChangedMessage, nowMs: number): void {
    for (const c of m.commands) {
      const list = this.commands.get(c.equipmentId) ?? [];
      const rest = list.filter((x) => x.commandId !== c.commandId);
      this.commands.set(c.equipmentId, [{ ...c, atMs: nowMs }, ...rest].slice(0, RECENT_COMMANDS));
      this.notify(keys.commands(c.equipmentId));
    }
  }

  setStatus(status: LiveStatus): void {
    this.status = status;
    this.notify(keys.status);
  }

  kpisChanged(): void {
    this.kpiVersion++;
    this.notify(keys.kpis);
  }
}
