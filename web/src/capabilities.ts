/**
 * What each person's role may do in the control room: the screens offer only these. The API enforces the same rules
 * (its route table, shared/api/routes); capabilities.test.ts keeps this table in step with it.
 */
export const PERSON_ROLES = ['Operator', 'Engineer', 'Manager', 'Executive'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
/** Integration (the ERP) and Lab (the laboratory's LIMS uploading samples) call the API; neither signs in here. */
export type Role = PersonRole | 'Integration' | 'Lab';

export const CAPABILITIES = {
  /** The potroom floor: map, cells, alerts, overrides, runs (and their live updates). */
  viewFloor: ['Operator', 'Engineer', 'Manager'],
  acknowledgeAlert: ['Operator', 'Engineer', 'Manager'],
  requestManual: ['Operator', 'Engineer', 'Manager'],
  releaseManual: ['Manager'],
  startAdvisoryRun: ['Engineer', 'Manager'],
  startClosedLoopRun: ['Manager'],
  decideRun: ['Engineer', 'Manager'],
  viewKpis: ['Operator', 'Engineer', 'Manager', 'Integration', 'Executive'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

/** True when a holder of `roles` may use `capability`. */
export function can(roles: readonly string[], capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly string[]).some((r) => roles.includes(r));
}
