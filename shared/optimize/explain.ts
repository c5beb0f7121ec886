/**
 * Human-readable rendering of a recommendation: KPIs before/after, the set-point changes with their predicted
 * effect, and the binding constraints — what a process engineer reads before accepting it.
 */
import type { Kpi, Recommendation } from './recommendation.js';

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

function kpiLine(label: string, k: Kpi, digits: number): string {
  return `  ${label.padEnd(26)} ${fmt(k.before, digits).padStart(12)} → ${fmt(k.after, digits).padStart(12)} ${k.unit.padEnd(12)} (${k.changePct >= 0 ? '+' : ''}${fmt(k.changePct, 2)} %)`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Renders one line's recommendation as text. */
export function explainRecommendation(r: Recommendation, maxRows = 40): string {
  const out: string[] = [
    `Line ${r.lineId}: ${r.status.toUpperCase()}  (${r.solver.method}; ${r.solver.termination}, ${r.solver.iterations} iterations, ${r.solver.lpSolves} LP solves, last LP ${r.solver.lastLpStatus})`,
  ];
  out.push(kpiLine(`objective (${r.objective.kind})`, r.objective, 4));
  out.push(kpiLine('SEC', r.secKWhPerKg, 4));
  out.push(
    kpiLine('production', r.productionKgPerDay, 0) +
      `  baseline ${fmt(r.productionKgPerDay.baseline, 0)} ± ${r.productionKgPerDay.tolerancePct} %`,
  );
  out.push(kpiLine('energy', r.energyMWhPerDay, 2));
  out.push(kpiLine('process CO2e', r.processCO2eTonnePerDay, 3));
  out.push(kpiLine('line voltage', r.lineVoltageV, 2));
  if (r.status === 'infeasible') {
    out.push('', 'No safe proposal: the present set points are kept. Violated:');
    for (const v of r.violatedConstraints.slice(0, maxRows)) out.push(`  - ${v.id}: ${v.message}`);
    if (r.unresolved.length > 0 && r.unresolved !== r.violatedConstraints) {
      out.push('Still violated by the best attempt:');
      for (const v of r.unresolved.slice(0, maxRows)) out.push(`  - ${v.id}: ${v.message}`);
    }
    return out.join('\n');
  }
  if (r.startViolations.length > 0) {
    out.push('', 'The present set points violate (this recommendation restores them):');
    for (const v of r.startViolations.slice(0, maxRows)) out.push(`  - ${v.id}: ${v.message}`);
  }
  const effects = new Map(r.cellEffects.map((e) => [e.cellId, e]));
  out.push('', `Set-point changes (${r.changes.length}):`);
  const rows = r.changes.slice(0, maxRows).map((c) => {
    const e = effects.get(c.cellId);
    return [
      c.cellId,
      c.variable,
      `${fmt(c.from, 3)} → ${fmt(c.to, 3)} ${c.unit}`,
      e
        ? `${e.cellVoltageV.after - e.cellVoltageV.before >= 0 ? '+' : ''}${fmt((e.cellVoltageV.after - e.cellVoltageV.before) * 1000, 1)} mV`
        : '',
      e ? `${fmt(e.superheatK.before, 2)} → ${fmt(e.superheatK.after, 2)} K` : '',
      e ? `${fmt(e.currentEfficiency.before * 100, 2)} → ${fmt(e.currentEfficiency.after * 100, 2)} %` : '',
      e ? `${fmt(e.secKWhPerKg.changePct, 2)} %` : '',
    ];
  });
  out.push(...table(['cell', 'set point', 'change', 'ΔV (cell)', 'superheat', 'CE', 'ΔSEC (cell)'], rows));
  if (r.changes.length > maxRows) out.push(`  … ${r.changes.length - maxRows} more in the JSON output`);
  out.push('', `Binding constraints (${r.bindingConstraints.length}):`);
  out.push(
    ...table(
      ['constraint', 'value', 'limit', 'unit', 'source'],
      r.bindingConstraints
        .slice(0, maxRows)
        .map((b) => [b.id, fmt(b.value, 3), fmt(b.limit, 3), b.unit, b.source ?? 'predicted']),
    ),
  );
  if (r.bindingConstraints.length > maxRows)
    out.push(`  … ${r.bindingConstraints.length - maxRows} more in the JSON output`);
  return out.join('\n');
}
