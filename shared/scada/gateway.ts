import type { EnvelopeCheckedCommand } from './envelope.js';
import type { PresentValues } from '../plant/set-point.js';
import { DomainError } from '../kernel/errors.js';

/** The PLC's acknowledgement of one command: what it applied and what it replaced. */
export interface GatewayAck {
  correlationId: string;
  appliedAtMs: number;
  applied: PresentValues;
  previous: PresentValues;
}

/** How one attempt ended. A timeout says nothing about whether the plant applied it. */
export type GatewayOutcome =
  | { kind: 'acknowledged'; ack: GatewayAck }
  | { kind: 'refused'; code: string; message: string; correlationId: string }
  | { kind: 'timeout'; correlationId: string };

/**
 * The plant side of the dispatcher. It takes only envelope-checked commands. Implementation: Sparkplug B
 * (shared/sparkplug/scada-gateway.ts, DCMD out, applied when the DDATA read-back shows it) against the plant's broker
 * or the embedded one.
 */
export interface ScadaGateway {
  /**
   * Sends attempt `attempt` of the command and waits up to `ackTimeoutMs` for its acknowledgement. Resolves with
   * the outcome; rejects with GatewayUnavailableError only when the command could not be handed to the broker.
   */
  send(command: EnvelopeCheckedCommand, attempt: number, ackTimeoutMs: number): Promise<GatewayOutcome>;
  close(): Promise<void>;
}

export class GatewayUnavailableError extends DomainError {
  constructor(
    override readonly field: string,
    detail: string,
  ) {
    super(
      'unavailable',
      'ERR-SCADA-GATEWAY-DOWN',
      `SCADA gateway could not send: ${detail}. Check the broker (${field}) is reachable.`,
      field,
    );
  }
}

/** A gateway that records what reached it and answers with a fixed outcome: for tests of the dispatcher's guarantees. */
export class RecordingGateway implements ScadaGateway {
  readonly sent: { command: EnvelopeCheckedCommand; attempt: number }[] = [];

  constructor(
    private readonly answer: (command: EnvelopeCheckedCommand, attempt: number) => GatewayOutcome = acknowledgeAll,
  ) {}

  async send(command: EnvelopeCheckedCommand, attempt: number): Promise<GatewayOutcome> {
    this.sent.push({ command, attempt });
    return this.answer(command, attempt);
  }

  async close(): Promise<void> {}
}

/** The answer of a plant that applies everything it is sent. */
export function acknowledgeAll(command: EnvelopeCheckedCommand, attempt: number): GatewayOutcome {
  return {
    kind: 'acknowledged',
    ack: {
      correlationId: `${command.commandId}/${attempt}`,
      appliedAtMs: command.checkedAtMs,
      applied: { ...command.setPoint },
      previous: {},
    },
  };
}
