/**
 * The control room's push contract: the SignalR hub the functions send to and the messages on it, one zod schema per
 * target. The browser app (web/) parses every message it receives with these same schemas, so this file imports
 * nothing but zod: it must bundle for the browser.
 *
 * Messages tell what changed, small and at once; the app reads anything bigger (a run's proposal, an alert's
 * history) from the API when a message says it changed. Every message carries `sentAtMs`, the sender's clock when it
 * left, so a reader can tell how old it is.
 */
import { z } from 'zod';

/** The SignalR hub (Azure SignalR Service in serverless mode; the devhost's endpoint locally). */
export const CONTROL_ROOM_HUB = 'controlroom';

/** Client method names (SignalR "targets") the functions invoke on every connected control room. */
export const LiveTarget = {
  cellStates: 'cellStates',
  overrideChanged: 'overrideChanged',
  alertChanged: 'alertChanged',
  runChanged: 'runChanged',
  commandsChanged: 'commandsChanged',
  kpisChanged: 'kpisChanged',
  plantChanged: 'plantChanged',
} as const;
export type LiveTarget = (typeof LiveTarget)[keyof typeof LiveTarget];

const Ms = z.number().int().nonnegative();

/** One tag's latest good value: value in the tag's canonical unit and its event time (epoch ms). */
export const LiveTag = z.object({ value: z.number(), ts: Ms });
export type LiveTag = z.infer<typeof LiveTag>;

/** A cell's latest good values as ingestion merged them (a line's rectifier tags come as `<line>-LINE`). */
export const CellLive = z.object({
  cellId: z.string().min(1),
  lineId: z.string().min(1),
  tags: z.record(z.string(), LiveTag),
});
export type CellLive = z.infer<typeof CellLive>;

/** `cellStates`: the cells whose values changed since their last message (at most one per cell per second). */
export const CellStatesMessage = z.object({ sentAtMs: Ms, cells: z.array(CellLive) });
export type CellStatesMessage = z.infer<typeof CellStatesMessage>;

/** `overrideChanged`: a cell or line went into manual, or was released. */
export const OverrideChangedMessage = z.object({
  sentAtMs: Ms,
  scopeKey: z.string(),
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('cell'), cellId: z.string() }),
    z.object({ kind: z.literal('line'), lineId: z.string() }),
  ]),
  mode: z.enum(['manual', 'released']),
  reason: z.string(),
  requestedBy: z.string(),
  requestedAtMs: Ms,
  releasedBy: z.string().optional(),
  releasedAtMs: Ms.optional(),
  updatedAtMs: Ms,
});
export type OverrideChangedMessage = z.infer<typeof OverrideChangedMessage>;

/** `alertChanged`: an alert was raised, repeated, acknowledged, escalated or cleared. */
export const AlertChangedMessage = z.object({
  sentAtMs: Ms,
  alertId: z.string(),
  action: z.enum(['raised', 'repeated', 'acknowledged', 'escalated', 'cleared']),
  state: z.enum(['active', 'acknowledged', 'cleared']).optional(),
  severity: z.string().optional(),
  title: z.string().optional(),
  lineId: z.string().nullable().optional(),
  cellId: z.string().nullable().optional(),
});
export type AlertChangedMessage = z.infer<typeof AlertChangedMessage>;

/** `runChanged`: an optimisation run started, waits for approval, was decided, or ended. */
export const RunChangedMessage = z.object({
  sentAtMs: Ms,
  runId: z.string(),
  lineId: z.string(),
  /** The run's step as its custom status names it (loading-snapshot … awaiting-approval … completed, failed). */
  step: z.string().optional(),
  /** Set when the run ended: its outcome (applied, unchanged, rejected, …). */
  outcome: z.string().optional(),
});
export type RunChangedMessage = z.infer<typeof RunChangedMessage>;

/** `commandsChanged`: set-point commands the SCADA dispatcher finished (acknowledged, refused or failed). */
export const CommandsChangedMessage = z.object({
  sentAtMs: Ms,
  lineId: z.string(),
  commands: z.array(
    z.object({
      commandId: z.string(),
      equipmentId: z.string(),
      state: z.string(),
      /** The envelope rules that refused it (e.g. `interlock-manual`), or the failure code. */
      reasons: z.array(z.string()),
    }),
  ),
});
export type CommandsChangedMessage = z.infer<typeof CommandsChangedMessage>;

/** `kpisChanged`: gold curation wrote new hours; KPI views read them again. */
export const KpisChangedMessage = z.object({ sentAtMs: Ms, lines: z.array(z.string()) });
export type KpisChangedMessage = z.infer<typeof KpisChangedMessage>;

/** `plantChanged`: a new plant-model version is in force; the map reads the plant again. */
export const PlantChangedMessage = z.object({ sentAtMs: Ms, version: z.string() });
export type PlantChangedMessage = z.infer<typeof PlantChangedMessage>;

/** The schema of each target's single argument. */
export const LiveMessageSchemas = {
  [LiveTarget.cellStates]: CellStatesMessage,
  [LiveTarget.overrideChanged]: OverrideChangedMessage,
  [LiveTarget.alertChanged]: AlertChangedMessage,
  [LiveTarget.runChanged]: RunChangedMessage,
  [LiveTarget.commandsChanged]: CommandsChangedMessage,
  [LiveTarget.kpisChanged]: KpisChangedMessage,
  [LiveTarget.plantChanged]: PlantChangedMessage,
} as const;

/** What a SignalR output binding takes: a client method and its arguments, sent to every connection of the hub. */
export interface SignalRMessage {
  target: LiveTarget;
  arguments: [unknown];
}

/** Negotiate answer (the SignalR output of `signalRConnectionInfo`): where the client connects and with what token. */
export const ConnectionInfo = z.object({ url: z.url(), accessToken: z.string().min(1) });
export type ConnectionInfo = z.infer<typeof ConnectionInfo>;
