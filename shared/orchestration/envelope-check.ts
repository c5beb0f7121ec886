/**
 * Step 4 of an optimisation run: the recommendation in the PLC's terms (set-points.ts), each set point checked
 * against the safety envelope exactly as the SCADA dispatcher will check it (shared/scada/envelope.ts, with the
 * dispatcher's baseline and hourly-rate bookkeeping), so a run never recommends what the dispatcher would refuse.
 * This is a pre-check: the dispatcher checks again when it dispatches, because interlocks are facts of that moment.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import type { FeasibleRecommendation } from '../optimize/recommendation.js';
import { commandIdFor, type CommandDoc } from '../scada/command.js';
import type { CommandRepository } from '../scada/command-repository.js';
import { baselineOf, movesOf } from '../scada/dispatcher.js';
import { envelopeViolations, type EnvelopeContext, type Violation } from '../scada/envelope.js';
import type { EnvelopeLimits } from '../scada/envelope-limits.js';
import { manualOverridesFor, type OverrideStore } from '../scada/override.js';
import { PresentValues, SetPointValues } from '../scada/set-point.js';
import type { HotStateStore } from '../telemetry/hot-state.js';
import { getJson, putJson } from './lake-json.js';
import { RoundRecommendation } from './optimize-set-points.js';
import { recommendationIdFor } from './run-ids.js';
import { LakeRef } from './schemas.js';
import { cellsIn, plantSetPointsOf, type EquipmentSetPoint } from './set-points.js';

/** How far back commands count for the step baseline and the hourly rate, ms (the dispatcher's look-back). */
const COMMAND_LOOKBACK_MS = 86_400_000;

export const EnvelopeCheckRequest = z.object({ runId: z.string(), lineId: z.string(), recommendation: LakeRef, out: LakeRef });
export type EnvelopeCheckRequest = z.infer<typeof EnvelopeCheckRequest>;

export const RefusedSetPoint = z.object({ equipmentId: z.string(), rules: z.array(z.string()), message: z.string() });
export type RefusedSetPoint = z.infer<typeof RefusedSetPoint>;

/** The checked set points of a round as written to the lake (what the run publishes if it goes ahead). */
export const RoundSetPoints = z.object({
  runId: z.string(),
  lineId: z.string(),
  checkedAtMs: z.number(),
  setPoints: z.array(z.object({ equipmentId: z.string(), setPoint: SetPointValues, present: PresentValues })),
  refused: z.array(RefusedSetPoint),
});
export type RoundSetPoints = z.infer<typeof RoundSetPoints>;

export const EnvelopeCheckResult = z.object({
  ref: LakeRef,
  /** Set points that passed (equipment count, the rectifier included). */
  passed: z.number().int(),
  /** Cells among them. */
  cells: z.number().int(),
  refused: z.array(RefusedSetPoint),
});
export type EnvelopeCheckResult = z.infer<typeof EnvelopeCheckResult>;

export interface EnvelopeCheckDeps {
  hotState: Pick<HotStateStore, 'getCell'>;
  overrides: OverrideStore;
  commands: Pick<CommandRepository, 'recentForLine'>;
  lake: LakeStore;
  limits: EnvelopeLimits;
  clock: () => number;
}

/** Checks every set point of the round's recommendation; writes the passed and refused ones; never throws for a refusal. */
export async function checkSetPointEnvelope(deps: EnvelopeCheckDeps, req: EnvelopeCheckRequest): Promise<EnvelopeCheckResult> {
  const round = await getJson(deps.lake, req.recommendation, RoundRecommendation);
  const rec = round.recommendation;
  const held = new Set(round.problem.hold.map((h) => h.equipmentId));
  const proposals = rec.status === 'infeasible' ? [] : plantSetPointsOf(rec as FeasibleRecommendation, held);
  const nowMs = deps.clock();
  const recent = proposals.length > 0 ? await deps.commands.recentForLine(req.lineId, nowMs - COMMAND_LOOKBACK_MS) : [];
  const checked = await Promise.all(
    proposals.map(async (sp) => ({ sp, violations: envelopeViolations(proposalOf(req, sp), await contextOf(deps, req.runId, sp, recent, nowMs), deps.limits) })),
  );
  const passed = checked.filter((c) => c.violations.length === 0).map((c) => c.sp);
  const refused = checked.filter((c) => c.violations.length > 0).map((c) => refusal(c.sp.equipmentId, c.violations));
  const written: RoundSetPoints = { runId: req.runId, lineId: req.lineId, checkedAtMs: nowMs, setPoints: passed, refused };
  const ref = await putJson(deps.lake, req.out, written);
  return { ref, passed: passed.length, cells: cellsIn(passed), refused };
}

function proposalOf(req: EnvelopeCheckRequest, sp: EquipmentSetPoint) {
  const recommendationId = recommendationIdFor(req.runId, sp.equipmentId);
  return { commandId: commandIdFor(recommendationId, sp.equipmentId, 'setpoint'), equipmentId: sp.equipmentId, lineId: req.lineId, action: 'setpoint' as const, setPoint: sp.setPoint };
}

/** The envelope's view of the equipment now, built as the dispatcher builds it. */
async function contextOf(deps: EnvelopeCheckDeps, runId: string, sp: EquipmentSetPoint, recent: readonly CommandDoc[], nowMs: number): Promise<EnvelopeContext> {
  const commandId = commandIdFor(recommendationIdFor(runId, sp.equipmentId), sp.equipmentId, 'setpoint');
  const others = recent.filter((d) => d.equipmentId === sp.equipmentId && d.commandId !== commandId);
  const [equipmentState, manualOverrides] = await Promise.all([deps.hotState.getCell(sp.equipmentId), manualOverridesFor(deps.overrides, sp.equipmentId)]);
  return { nowMs, equipmentState, manualOverrides, baseline: baselineOf(sp.present, others), recentMoves: movesOf(others, nowMs) };
}

function refusal(equipmentId: string, violations: readonly Violation[]): RefusedSetPoint {
  return { equipmentId, rules: [...new Set(violations.map((v) => v.rule))], message: violations.map((v) => v.message).join('; ') };
}
