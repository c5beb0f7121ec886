/**
 * The parts of the API's answers the control room reads, as zod schemas (objects stay open: the API may add fields).
 * The API's own schemas live in shared/api and are richer; these are the boundary of the browser.
 */
import { z } from 'zod';

const num = z.number();

export const PlantCell = z.object({ cellId: z.string(), row: num, column: num, side: z.enum(['A', 'B']) });
export type PlantCell = z.infer<typeof PlantCell>;

export const PlantLine = z.looseObject({
  lineId: z.string(),
  name: z.string(),
  technology: z.string(),
  envelope: z.looseObject({ staleDataMaxAgeMs: num, anodeEffectThresholdV: num }),
  cells: z.array(PlantCell),
});
export type PlantLine = z.infer<typeof PlantLine>;

export const PlantView = z.looseObject({
  version: z.string(),
  model: z.looseObject({
    site: z.looseObject({ name: z.string() }),
    technologies: z.record(z.string(), z.looseObject({ name: z.string(), nominalCurrentKA: num })),
    areas: z.array(z.looseObject({ areaId: z.string(), name: z.string(), lines: z.array(PlantLine) })),
  }),
});
export type PlantView = z.infer<typeof PlantView>;

export const TagLatest = z.looseObject({ value: num, ts: num, unit: z.string().optional() });
export const CellState = z.looseObject({
  cellId: z.string(),
  lineId: z.string(),
  tags: z.record(z.string(), TagLatest),
  updatedAtMs: num,
});
export type CellState = z.infer<typeof CellState>;
export const LineCells = z.looseObject({ lineId: z.string(), items: z.array(CellState) });

export const OverrideScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cell'), cellId: z.string() }),
  z.object({ kind: z.literal('line'), lineId: z.string() }),
]);
export type OverrideScope = z.infer<typeof OverrideScope>;
export const Override = z.looseObject({
  scopeKey: z.string(),
  scope: OverrideScope,
  mode: z.enum(['manual', 'released']),
  reason: z.string(),
  requestedBy: z.string(),
  requestedAtMs: num,
  releasedBy: z.string().optional(),
  releasedAtMs: num.optional(),
  updatedAtMs: num,
});
export type Override = z.infer<typeof Override>;
export const OverridePage = z.looseObject({ items: z.array(Override), continuationToken: z.string().optional() });

export const Alert = z.looseObject({
  alertId: z.string(),
  title: z.string(),
  severity: z.string(),
  state: z.enum(['active', 'acknowledged', 'cleared']),
  lineId: z.string().optional(),
  cellId: z.string().optional(),
  tag: z.string().optional(),
  raisedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  escalatedAt: z.string().optional(),
  lastValue: num.optional(),
  occurrences: num,
});
export type Alert = z.infer<typeof Alert>;
export const AlertPage = z.looseObject({ items: z.array(Alert), continuationToken: z.string().optional() });

export const Proposal = z.looseObject({
  optimizerStatus: z.string(),
  secChangePct: num.nullable(),
  cellsChanged: num,
  baselineKWhPerKg: num.nullable(),
  objectiveKWhPerKg: num.nullable(),
});
export const Run = z.looseObject({
  runId: z.string(),
  lineId: z.string(),
  mode: z.string(),
  trigger: z.string(),
  requestedBy: z.string(),
  runtimeStatus: z.string(),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  progress: z
    .looseObject({
      step: z.string(),
      proposal: Proposal.optional(),
      approvalDeadline: z.string().optional(),
      reason: z.string().optional(),
    })
    .nullable(),
  result: z
    .looseObject({
      outcome: z.string(),
      status: z.string(),
      cellsChanged: num,
      reason: z.string().optional(),
      approval: z.looseObject({ decision: z.string(), decidedBy: z.string(), reason: z.string() }).optional(),
    })
    .optional(),
  error: z.string().optional(),
});
export type Run = z.infer<typeof Run>;
export const RunList = z.looseObject({ items: z.array(Run) });
export const RunAccepted = z.looseObject({ runId: z.string(), lineId: z.string() });
export const ApprovalAccepted = z.looseObject({ runId: z.string(), decision: z.string() });

const BeforeAfter = z.object({ before: num, after: num });
export const ProposalView = z.looseObject({
  runId: z.string(),
  lineId: z.string(),
  optimizerStatus: z.string(),
  line: z.looseObject({
    secKWhPerKg: BeforeAfter.extend({ changePct: num }),
    productionKgPerDay: BeforeAfter.extend({ changePct: num }),
    energyMWhPerDay: BeforeAfter.extend({ changePct: num }),
  }),
  cells: z.array(
    z.looseObject({
      cellId: z.string(),
      changes: z.array(z.object({ variable: z.string(), from: num, to: num, unit: z.string() })),
      secKWhPerKg: BeforeAfter.optional(),
      cellVoltageV: BeforeAfter.optional(),
      bathTempC: BeforeAfter.optional(),
    }),
  ),
});
export type ProposalView = z.infer<typeof ProposalView>;

const KpiFigures = z.looseObject({
  productionT: num,
  energyKWh: num,
  secKWhPerT: num.nullable(),
  co2eTotalT: num,
  anodeEffectCount: num,
});
export const LineKpis = z.looseObject({
  lineId: z.string(),
  periods: z.array(KpiFigures.extend({ periodStart: z.string(), cells: num })),
  totals: KpiFigures,
});
export type LineKpis = z.infer<typeof LineKpis>;

export const Command = z.looseObject({
  commandId: z.string(),
  equipmentId: z.string(),
  state: z.string(),
  setPoint: z.record(z.string(), num),
  violations: z.array(z.looseObject({ rule: z.string(), message: z.string() })),
  failure: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Command = z.infer<typeof Command>;
export const CommandPage = z.looseObject({ items: z.array(Command) });
export const CellSetPoints = z.looseObject({
  setPoints: z.record(z.string(), z.looseObject({ value: num, appliedAt: z.string(), commandId: z.string() })),
  pending: z.array(Command),
});
export type CellSetPoints = z.infer<typeof CellSetPoints>;

export const TelemetryPage = z.looseObject({
  unit: z.string(),
  items: z.array(z.looseObject({ minuteStart: z.string(), mean: num.nullable() })),
});
