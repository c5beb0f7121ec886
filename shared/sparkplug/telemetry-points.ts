/**
 * Sparkplug device data as telemetry points of the hub's contract (DESIGN §4): `Telemetry/<tag>` metrics become
 * points of that tag, the set-point metrics become the read-back tags (`acdSetpoint`, …), with the unit the birth
 * declared (or the data restated), the quality code as a word, and the source's sample counter (`seq` property).
 */
import { READBACK_TAG } from '../scada/readback.js';
import { lineOfEquipment } from '../plant/set-point.js';
import type { DeviceReport } from './host-session.js';
import { fieldOfSetpointMetric, qualityWord, tagOfTelemetryMetric } from './metrics.js';

export interface TelemetryPointOut {
  lineId: string;
  cellId: string;
  tag: string;
  ts: number;
  value: number;
  unit: string;
  quality: 'good' | 'bad' | 'uncertain';
  seq?: number;
}

/** The points a device report carries (metrics of other kinds, and metrics without a numeric value, are not points). */
export function pointsOfReport(report: DeviceReport): TelemetryPointOut[] {
  const out: TelemetryPointOut[] = [];
  const lineId = lineOfEquipment(report.deviceId);
  for (const m of report.metrics) {
    if (typeof m.value !== 'number') continue;
    const field = fieldOfSetpointMetric(m.name);
    const tag = field ? READBACK_TAG[field] : tagOfTelemetryMetric(m.name);
    if (!tag) continue;
    const unit = m.properties.engUnit;
    const seq = m.properties.seq;
    out.push({
      lineId,
      cellId: report.deviceId,
      tag,
      ts: m.timestampMs,
      value: m.value,
      unit: typeof unit === 'string' && unit.length > 0 ? unit : '1',
      quality: qualityWord(m.properties.Quality),
      ...(typeof seq === 'number' ? { seq } : {}),
    });
  }
  return out;
}
