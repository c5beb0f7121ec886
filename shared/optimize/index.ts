/**
 * Set-point optimiser of the smelter platform (pure TypeScript; HiGHS WebAssembly for the LPs). See README.md.
 */
export * from './errors.js';
export * from './schema.js';
export * from './processModels.js';
export { calibrateCell, predictCell, type CellModel, type CellPrediction, type CellSetPoints } from './steadyState.js';
export { linearizeCell, INPUT_KEYS, OUTPUT_KEYS, FD_STEP, type CellLinearization } from './linearize.js';
export {
  buildLineModel,
  evaluateLine,
  constraintValues,
  type LineModel,
  type LineEvaluation,
  type ConstraintSpec,
} from './lineModel.js';
export {
  checkProposal,
  proposalFromVector,
  type CheckedProposal,
  type UncheckedProposal,
  type CheckResult,
  type Violation,
} from './check.js';
export * from './recommendation.js';
export { optimizeLine, type OptimizeOptions } from './optimizeLine.js';
export { optimizePotline, parseUserConstraints, type PotlineRecommendation } from './potline.js';
export { explainRecommendation } from './explain.js';
export { defaultLine, defaultPotline, seededRandom } from './defaultPotline.js';
export { DEFAULT_SLP_OPTIONS, type SlpOptions } from './slp.js';
