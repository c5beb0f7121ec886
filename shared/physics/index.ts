/**
 * Physics engine of the smelter platform (pure TypeScript, no Azure imports). See PHYSICS.md for the correlations.
 */
export * from './errors.js';
export * from './constants.js';
export * from './properties/index.js';
export * from './electrochemistry/index.js';
export * from './cell/sidewall.js';
export * from './cell/energyBalance.js';
export * from './solvers/scalar.js';
export * from './mesh/grid.js';
export * from './solvers/tridiagonal.js';
export * from './solvers/pcg.js';
export * from './heat/index.js';
export * from './mass/index.js';
export * from './cell/design.js';
export * from './cell/chemistry.js';
export * from './cell/crossSection.js';
export * from './cell/coupled.js';
export * from './cell/predictor.js';
export * from './cell/calibrateReduced.js';
export * from './cell/whatIf.js';
export * from './config/index.js';
export * from './calibration/index.js';
export * from './emissions.js';
