/**
 * Step 4 of an optimisation run: the recommendation in the PLC's terms (set-points.ts), each set point checked
 * against the safety envelope with the context the SCADA dispatcher builds (shared/scada/envelope-context.ts: the
 * plant's read-back, overrides, our own recent commands), so a run never recommends what the dispatcher would
 * refuse. This is a pre-check: the dispatcher checks again when it dispatches, because interlocks are facts of that
 * moment.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import type { FeasibleRecommendation } from '../optimize/recommendation.js';
import { commandIdFor } from '../scada/command.js';
import { envelopeViolations, type Violation } from '../scada/envelope.js';
import { envelopeContextOf, readLineFacts, type LineEnvelopeReads } from '../scada/envelope-context.js';
import type { EquipmentLimits } from '../scada/equipment-limits.js';
import { PresentValues, SetPointValues } from '../plant/set-point.js';
import { getJson, putJson } from './lake-json.js';
import { RoundRecommendation } from './optimize-set-points.js';
import { recommendationIdFor } from './run-ids.js';
import { LakeRef } from './schemas.js';
import { cellsIn, plantSetPointsOf, type EquipmentSetPoint } from './set-points.js';

export const EnvelopeCheckRequest = z.object({
  runId: z.string(),
  lineId: z.string(),
  recommendation: LakeRef,
  out: LakeRef,
});
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

export interface EnvelopeCheckDeps extends LineEnvelopeReads {
  lake: LakeStore;
  /** The limits the dispatcher will judge each piece of equipment by (the plant model in force). */
  limitsFor: EquipmentLimits;
  clock: () => number;
}

/** Checks every set point of the round's recommendation; writes the passed and refused ones; never throws for a refusal. */
export async function checkSetPointEnvelope(
  deps: EnvelopeCheckDeps,
  req: EnvelopeCheckRequest,
): Promise<EnvelopeCheckResult> {
  const round = await getJson(deps.lake, req.recommendation, RoundRecommendation);
  const rec = round.recommendation;
  const held = new Set(round.problem.hold.map((h) => h.equipmentId));
  const proposals = rec.status === 'infeasible' ? [] : plantSetPointsOf(rec as FeasibleRecommendation, held);
  const nowMs = deps.clock();
  const facts =
    proposals.length > 0
      ? await readLineFacts(
          deps,
          req.lineId,
          proposals.map((sp) => sp.equipmentId),
          nowMs,
        )
      : new Map();
  const checked = await Promise.all(
    proposals.map(async (sp) => {
      const found = await deps.limitsFor(sp.equipmentId);
      if ('violations' in found) return { sp, violations: found.violations };
      const proposal = proposalOf(req, sp);
      const ctx = envelopeContextOf(facts.get(sp.equipmentId)!, proposal.commandId, nowMs, found.limits);
      return { sp, violations: envelopeViolations(proposal, ctx, found.limits) };
    }),
  );
  const passed = checked.filter((c) => c.violations.length === 0).map((c) => c.sp);
  const refused = checked.filter((c) => c.violations.length > 0).map((c) => refusal(c.sp.equipmentId, c.violations));
  const written: RoundSetPoints = {
    runId: req.runId,
    lineId: req.lineId,
    checkedAtMs: nowMs,
    setPoints: passed,
    refused,
  };
  const ref = await putJson(deps.lake, req.out, written);
  return { ref, passed: passed.length, cells: cellsIn(passed), refused };
}

function proposalOf(req: EnvelopeCheckRequest, sp: EquipmentSetPoint) {
  const recommendationId = recommendationIdFor(req.runId, sp.equipmentId);
  return {
    commandId: commandIdFor(recommendationId, sp.equipmentId, 'setpoint'),
    equipmentId: sp.equipmentId,
    lineId: req.lineId,
    action: 'setpoint' as const,
    setPoint: sp.setPoint,
  };
}

function refusal(equipmentId: string, violations: readonly Violation[]): RefusedSetPoint {
  return {
    equipmentId,
    rules: [...new Set(violations.map((v) => v.rule))],
    message: violations.map((v) => v.message).join('; '),
  };
}
