export * from './bath.js';
export * from './density.js';
