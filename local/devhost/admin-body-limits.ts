import type { JsonLimits } from '../../shared/kernel/json-limits.js';

/**
 * What a body sent to the devhost's own endpoints may be: the HTTP server's size limit, and as shallow as the
 * messages it carries (events and messages are flat; their bodies travel as strings).
 */
export const ADMIN_BODY_LIMITS: JsonLimits = { maxBytes: 100 * 1024 * 1024, maxDepth: 8, maxEntries: 1_000_000 };
