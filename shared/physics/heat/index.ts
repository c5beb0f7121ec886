export * from './materials.js';
export * from './conduction.js';
