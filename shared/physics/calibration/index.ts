export * from './lm.js';
export * from './calibrate.js';
