/**
 * `npm run bench -- fanout [--commands 200] [--stores both|memory|cosmos] [--hours 24] [--cells 8] [--appends 2000] [--seed 7]`:
 * the issue 6 figures in one JSON, from the two suites that measure them (bench/fanout-scada.ts and
 * bench/fanout-ledger-alerts.ts, run as they are): recommendation → read-back-confirmed p50/p99, override enforcement
 * latency, local ledger appends/s, alert evaluation points/s and anomaly precision/recall per type. Their full
 * output follows under `detail`.
 */
import { parseArgs } from 'node:util';
import { run as runLedgerAlerts } from './fanout-ledger-alerts.js';
import { run as runScada } from './fanout-scada.js';

type Quantiles = { p50: number; p99: number; max: number };
type ScadaFigures = {
  recommendationToReadbackConfirmedMs: Quantiles & { targetP99: number };
  overrideEnforcementMs: Quantiles & { targetP99: number };
};

const pick = ({ p50, p99 }: Quantiles) => ({ p50, p99 });

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      commands: { type: 'string' },
      stores: { type: 'string' },
      hours: { type: 'string' },
      cells: { type: 'string' },
      appends: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const scadaArgs = [
    ...(values.commands ? ['--commands', values.commands] : []),
    ...(values.stores ? ['--stores', values.stores] : []),
  ];
  const ledgerArgs = (['hours', 'cells', 'appends', 'seed'] as const).flatMap((k) =>
    values[k] ? [`--${k}`, values[k]] : [],
  );

  const scada = await runScada(scadaArgs);
  const ledgerAlerts = await runLedgerAlerts(ledgerArgs);

  const stores = (['memory', 'cosmos'] as const).filter((k) => scada[k] !== undefined);
  const byStore = <T>(f: (s: ScadaFigures) => T) =>
    Object.fromEntries(stores.map((k) => [k, f(scada[k] as ScadaFigures)]));
  const ledger = ledgerAlerts.ledger as { appendsPerS: number };
  const evaluation = ledgerAlerts.alertEvaluation as { pointsPerS: number; rules: number };
  const withStore = ledgerAlerts.alertEvaluationWithStore as { pointsPerS: number };
  const anomalies = ledgerAlerts.anomalyDetection as {
    perType: Record<string, { labels?: number; detections: number; precision?: number; recall?: number }>;
  };

  return {
    recommendationToReadbackConfirmedMs: {
      ...byStore((s) => pick(s.recommendationToReadbackConfirmedMs)),
      targetP99: 500,
    },
    overrideEnforcementMs: { ...byStore((s) => pick(s.overrideEnforcementMs)), targetP99: 1000 },
    ledgerAppendsPerS: ledger.appendsPerS,
    alertEvaluationPointsPerS: {
      evaluator: evaluation.pointsPerS,
      withStoreAndAnomalyDetection: withStore.pointsPerS,
      rules: evaluation.rules,
    },
    anomalyPrecisionRecall: Object.fromEntries(
      Object.entries(anomalies.perType).map(([type, s]) => [
        type,
        {
          precision: s.precision ?? null,
          recall: s.recall ?? null,
          detections: s.detections,
          labels: s.labels ?? null,
        },
      ]),
    ),
    detail: { scada, ledgerAlerts },
  };
}
