export * from './transport.js';
export * from './alumina.js';
