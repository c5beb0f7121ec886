export { DEFAULT_KEY_DIR, loadOrCreateSigningKey, type SigningKey } from './keys.js';
export { DEV_AUDIENCE, DEV_ISSUER, MintOptions, mintToken } from './mint.js';
export { startDevIssuer, type DevIssuer, type DevIssuerOptions } from './server.js';
