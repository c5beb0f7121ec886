import {
  ApprovalAccepted,
  ApprovalBody,
  OptimizationListQuery,
  OptimizationRunAccepted,
  OptimizationRunList,
  OptimizationRunPath,
  ProposalView,
  OptimizationRunView,
  StartOptimizationBody,
} from '../optimizations.js';
import { v1 } from '../../http/paths.js';
import { queuesLedgerEvent } from './ledger-event.js';
import { defineRoute } from '../../http/route-spec.js';

const RUN_STARTERS = ['Engineer', 'Manager'] as const;
const ACCEPTED = { Location: 'URL of the run (poll it)', 'Retry-After': 'Seconds to wait before the first poll' };

/** Set-point optimisation runs (Durable orchestration `optimizationRun`): start, read, approve or reject. */
export const optimizationRoutes = {
  optimizationsStart: defineRoute({
    name: 'optimizations-start',
    method: 'POST',
    path: v1('optimizations'),
    access: RUN_STARTERS,
    summary: 'Start an optimisation run of a line (advisory waits for approval; closed-loop needs the Manager role)',
    tag: 'optimizations',
    body: StartOptimizationBody,
    responses: {
      202: { description: 'Started; poll the self link', schema: OptimizationRunAccepted, headers: ACCEPTED },
      403: { description: 'closed-loop mode without the Manager role (details name body.mode)' },
      409: { description: 'The line already has a run going' },
    },
  }),
  optimizationsList: defineRoute({
    name: 'optimizations-list',
    method: 'GET',
    path: v1('optimizations'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary:
      'List the optimisation runs started since an instant (default the last 24 h), of one line or all, newest first',
    tag: 'optimizations',
    query: OptimizationListQuery,
    responses: { 200: { description: 'The runs, at most 100', schema: OptimizationRunList } },
  }),
  optimizationsGet: defineRoute({
    name: 'optimizations-get',
    method: 'GET',
    path: v1('optimizations/{runId}'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary: 'Read an optimisation run: status, progress, the proposal awaiting approval, the result when done',
    tag: 'optimizations',
    params: OptimizationRunPath,
    responses: { 200: { description: 'The run', schema: OptimizationRunView }, 404: { description: 'No such run' } },
  }),
  optimizationsProposal: defineRoute({
    name: 'optimizations-proposal',
    method: 'GET',
    path: v1('optimizations/{runId}/proposal'),
    access: ['Operator', 'Engineer', 'Manager', 'Integration'],
    summary:
      "A run's proposal cell by cell (what moves, from and to) and its predicted effect on each cell and the line",
    tag: 'optimizations',
    params: OptimizationRunPath,
    responses: {
      200: { description: 'The proposal awaiting approval, or the one the run ended with', schema: ProposalView },
      404: { description: 'No such run, or it has proposed nothing yet' },
    },
  }),
  optimizationsApprove: defineRoute({
    name: 'optimizations-approve',
    method: 'POST',
    path: v1('optimizations/{runId}/approval'),
    access: RUN_STARTERS,
    summary: 'Approve or reject the proposal of an advisory run that is waiting for it',
    description: queuesLedgerEvent(
      'smelter.optimization.approved (or .rejected)',
      'in the outbox as soon as the decision has reached the run',
    ),
    tag: 'optimizations',
    params: OptimizationRunPath,
    body: ApprovalBody,
    responses: {
      202: { description: 'The decision reached the run', schema: ApprovalAccepted },
      404: { description: 'No such run' },
      409: { description: 'The run is not waiting for approval' },
    },
  }),
} as const;
