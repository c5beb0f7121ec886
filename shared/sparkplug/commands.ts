/** The two commands the platform's host sends: a rebirth request (NCMD) and a set-point write (DCMD). */
import { encodePayload, type MetricInput } from './codec.js';
import { COMMAND_ID_METRIC, COMMAND_VERSION_METRIC, REBIRTH_METRIC, setpointMetric } from './metrics.js';
import { deviceTopic, nodeTopic } from './topic.js';
import { SET_POINT_FIELDS, type SetPointValues } from '../plant/set-point.js';

export interface OutgoingMessage {
  topic: string;
  payload: Uint8Array;
}

/** NCMD `Node Control/Rebirth` = true (§6.4.7): the edge node republishes NBIRTH and every DBIRTH. */
export function rebirthRequest(groupId: string, edgeNodeId: string, nowMs: number): OutgoingMessage {
  return {
    topic: nodeTopic(groupId, 'NCMD', edgeNodeId),
    payload: encodePayload({ timestamp: nowMs, metrics: [{ name: REBIRTH_METRIC, datatype: 'Boolean', value: true }] }),
  };
}

/**
 * DCMD writing set points to a device, with the command's id and version: the edge node refuses a version older
 * than the last it applied to any of these fields, and a DCMD whose timestamp is too old.
 */
export function setpointWrite(o: {
  groupId: string;
  edgeNodeId: string;
  deviceId: string;
  commandId: string;
  version: number;
  setPoint: SetPointValues;
  nowMs: number;
}): OutgoingMessage {
  const metrics: MetricInput[] = SET_POINT_FIELDS.filter((f) => o.setPoint[f] !== undefined).map((f) => ({
    name: setpointMetric(f),
    datatype: 'Double',
    value: o.setPoint[f]!,
  }));
  metrics.push({ name: COMMAND_ID_METRIC, datatype: 'String', value: o.commandId });
  metrics.push({ name: COMMAND_VERSION_METRIC, datatype: 'UInt64', value: o.version });
  return {
    topic: deviceTopic(o.groupId, 'DCMD', o.edgeNodeId, o.deviceId),
    payload: encodePayload({ timestamp: o.nowMs, metrics }),
  };
}
