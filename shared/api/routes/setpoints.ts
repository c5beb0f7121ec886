import {
  CellSetPoints,
  CommandPage,
  CommandPath,
  CommandView,
  SetpointCellPath,
  SetpointHistoryQuery,
} from '../setpoints.js';
import { v1 } from '../../http/paths.js';
import { defineRoute, READERS } from '../../http/route-spec.js';

/** Set points as the plant's PLCs acknowledged them, and the commands that carried them (SCADA command store). */
export const setpointRoutes = {
  setpointsCurrent: defineRoute({
    name: 'setpoints-current',
    method: 'GET',
    path: v1('cells/{cellId}/setpoints'),
    access: READERS,
    summary: 'Current set points of a cell (last value its PLC acknowledged, per field) and its commands under way',
    tag: 'setpoints',
    params: SetpointCellPath,
    plantIds: { cellId: 'cell' },
    responses: {
      200: {
        description: 'Current set points; fields never commanded through the platform are absent',
        schema: CellSetPoints,
      },
    },
  }),
  setpointsHistory: defineRoute({
    name: 'setpoints-history',
    method: 'GET',
    path: v1('cells/{cellId}/setpoints/history'),
    access: READERS,
    summary: 'Set-point commands to a cell, newest first, optionally within [from, to), a page at a time',
    tag: 'setpoints',
    params: SetpointCellPath,
    plantIds: { cellId: 'cell' },
    query: SetpointHistoryQuery,
    responses: { 200: { description: 'A page of commands', schema: CommandPage } },
  }),
  setpointCommand: defineRoute({
    name: 'setpoint-command',
    method: 'GET',
    path: v1('setpoint-commands/{commandId}'),
    access: READERS,
    summary: 'Status of one set-point command: state, envelope verdict, attempts, PLC acknowledgement, history',
    tag: 'setpoints',
    params: CommandPath,
    responses: { 200: { description: 'The command', schema: CommandView }, 404: { description: 'No such command' } },
  }),
} as const;
