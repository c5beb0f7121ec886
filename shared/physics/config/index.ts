export * from './schemas.js';
export * from './runModel.js';
