export * from './butlerVolmer.js';
export * from './cellVoltage.js';
export * from './baseCell.js';
