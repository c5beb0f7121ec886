/**
 * The plant's Sparkplug metrics that the platform relies on: the writable set points (whose reported values are the
 * read-back), the command metrics of a DCMD, the command status an edge node reports, and the node controls. Telemetry
 * metrics are `Telemetry/<tag>`; an edge node declares whichever it has.
 */
import { SET_POINT_FIELDS, SetPointField, isLineEquipment } from '../plant/set-point.js';
import type { DataType } from './codec.js';

export const BDSEQ_METRIC = 'bdSeq';
export const REBIRTH_METRIC = 'Node Control/Rebirth';
export const TELEMETRY_PREFIX = 'Telemetry/';
export const SETPOINT_PREFIX = 'Setpoints/';

/** DCMD: the command's id (String) and its version (UInt64), which the edge node keeps per device and field. */
export const COMMAND_ID_METRIC = 'Command/Id';
export const COMMAND_VERSION_METRIC = 'Command/Version';
/** DDATA: how the edge node answered the last DCMD it read — `applied` or the refusal's code — and why. */
export const LAST_COMMAND_ID_METRIC = 'Command/LastId';
export const LAST_COMMAND_RESULT_METRIC = 'Command/LastResult';
export const LAST_COMMAND_MESSAGE_METRIC = 'Command/LastMessage';
/** The cell's local panel: `auto`, or `manual` when the potroom holds it (the PLC then takes no remote writes). */
export const PANEL_MODE_METRIC = 'Panel/Mode';

export const APPLIED = 'applied';

/** Engineering unit and range of each set point as the PLC declares it (DBIRTH properties engUnit, engLow, engHigh). */
export const SETPOINT_UNIT: Readonly<Record<SetPointField, string>> = {
  acdCm: 'cm',
  feedIntervalS: 's',
  lineCurrentKA: 'kA',
  alf3AdditionKgPerDay: 'kg/d',
};

export function setpointMetric(field: SetPointField): string {
  return `${SETPOINT_PREFIX}${field}`;
}

/** The set-point field a metric name writes or reports; undefined for any other metric. */
export function fieldOfSetpointMetric(name: string): SetPointField | undefined {
  if (!name.startsWith(SETPOINT_PREFIX)) return undefined;
  const f = SetPointField.safeParse(name.slice(SETPOINT_PREFIX.length));
  return f.success ? f.data : undefined;
}

/** The telemetry tag a metric carries; undefined for any other metric. */
export function tagOfTelemetryMetric(name: string): string | undefined {
  return name.startsWith(TELEMETRY_PREFIX) && name.length > TELEMETRY_PREFIX.length
    ? name.slice(TELEMETRY_PREFIX.length)
    : undefined;
}

/** The set points a device must declare (writable, with their current values) in its DBIRTH. */
export function requiredSetpoints(deviceId: string): readonly SetPointField[] {
  return isLineEquipment(deviceId) ? ['lineCurrentKA'] : SET_POINT_FIELDS.filter((f) => f !== 'lineCurrentKA');
}

export interface MetricDefinition {
  name: string;
  datatype: DataType;
  /** Whether a host may write it with a DCMD/NCMD. */
  writable: boolean;
  engUnit?: string;
}

/**
 * The metrics a DCMD writes besides set points, declared writable in every device's DBIRTH (a host writes only what a
 * device declared, §6.4.4): the command's id and its version. The birth gives the last id and the highest version the
 * device applied, so a host that restarted knows where the device stands.
 */
export function commandMetrics(): MetricDefinition[] {
  return [
    { name: COMMAND_ID_METRIC, datatype: 'String', writable: true },
    { name: COMMAND_VERSION_METRIC, datatype: 'UInt64', writable: true },
  ];
}

/** The command-status and panel metrics every device of this plant declares besides telemetry and set points. */
export function statusMetrics(deviceId: string): MetricDefinition[] {
  return [
    { name: LAST_COMMAND_ID_METRIC, datatype: 'String', writable: false },
    { name: LAST_COMMAND_RESULT_METRIC, datatype: 'String', writable: false },
    { name: LAST_COMMAND_MESSAGE_METRIC, datatype: 'String', writable: false },
    ...(isLineEquipment(deviceId) ? [] : [{ name: PANEL_MODE_METRIC, datatype: 'String' as const, writable: false }]),
  ];
}

/** Quality codes of §6.4.9.1 and the words of the telemetry contract (DESIGN §4). */
export const QUALITY_GOOD = 192;
export const QUALITY_BAD = 0;
export const QUALITY_STALE = 500;

export function qualityWord(code: unknown): 'good' | 'bad' | 'uncertain' {
  if (code === undefined || code === QUALITY_GOOD) return 'good';
  if (code === QUALITY_STALE) return 'uncertain';
  return 'bad';
}
