import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/api/routes.js';
import { ALL_ROLES } from '../../shared/http/roles.js';
import { CAPABILITIES, PERSON_ROLES, type Capability } from './capabilities.js';

/** The API routes each screen capability stands for: the screens offer an action exactly to whom the API allows it. */
const ROUTES_OF: Record<Capability, readonly { access: unknown; name: string }[]> = {
  viewFloor: [routes.overridesList, routes.alertsList, routes.setpointsCurrent, routes.realtimeNegotiate],
  acknowledgeAlert: [routes.alertsAcknowledge],
  requestManual: [routes.overridesRequest],
  releaseManual: [routes.overridesRelease],
  startAdvisoryRun: [routes.optimizationsStart],
  startClosedLoopRun: [],
  decideRun: [routes.optimizationsApprove],
  viewKpis: [routes.lineKpis, routes.plantGet],
};

describe('the control room’s capabilities', () => {
  it('offer each action to exactly the roles the API’s route table allows it', () => {
    for (const [capability, list] of Object.entries(ROUTES_OF) as [Capability, (typeof ROUTES_OF)[Capability]][])
      for (const route of list)
        expect([...CAPABILITIES[capability]].sort(), `${capability} vs ${route.name}`).toEqual(
          [...(route.access as string[])].sort(),
        );
  });

  it('offer closed-loop runs to Managers only, as the API refuses them to anyone else (403 naming body.mode)', () => {
    expect(CAPABILITIES.startClosedLoopRun).toEqual(['Manager']);
  });

  it('know every role the API knows, and sign in people (not the ERP or the LIMS)', () => {
    expect([...PERSON_ROLES, 'Integration', 'Lab'].sort()).toEqual([...ALL_ROLES].sort());
  });
});
