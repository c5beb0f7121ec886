import { z } from 'zod';

/**
 * The platform's app roles (Entra ID app roles, carried in the token's `roles` claim).
 * Operator: read, acknowledge alerts, request override. Engineer: models, runs, constraints, rules, approve.
 * Manager: everything, including releasing overrides and closed-loop mode. Integration: the ERP (KPIs, production,
 * read-only runs, lab results when the LIMS reaches us through it). Lab: the plant laboratory (uploads bath and metal
 * analyses, reads them back). Executive: the control room's read-only KPI view (line KPIs and the plant it describes,
 * nothing of the potroom floor).
 */
export const Role = z.enum(['Operator', 'Engineer', 'Manager', 'Integration', 'Lab', 'Executive']);
export type Role = z.infer<typeof Role>;
export const ALL_ROLES: readonly Role[] = Role.options;

/** Who may call a route: everyone (health, OpenAPI document) or any of the listed app roles. */
export type Access = 'public' | readonly Role[];

/** The roles of a `roles` claim that this platform knows; anything else in the claim is ignored. */
export function knownRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return typeof claim === 'string' && Role.safeParse(claim).success ? [claim as Role] : [];
  return claim.filter((r): r is Role => Role.safeParse(r).success);
}

/** True when a caller holding `held` may use a route declared with `access`. */
export function isAllowed(access: Access, held: readonly Role[]): boolean {
  return access === 'public' || access.some((r) => held.includes(r));
}
