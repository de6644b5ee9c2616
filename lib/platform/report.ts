import { reviewTerraformJson } from '../governance/review';
import { readSynthesizedFolder } from '../governance/synth-folder';
import { ReviewOptions } from '../governance/engine';
import { evaluateContracts } from '../contracts/evaluate';
import { stackDependencies } from '../governance/synth-folder';

/** Groups resource types for the summary: `aws_eks_node_group` -> `aws eks`, `kubernetes_deployment_v1` -> `kubernetes deployment`. */
function family(type: string): string {
  const [provider, first] = type.split('_');
  return `${provider} ${first}`;
}

/**
 * What `cdktf synth` wrote, per stack, and the governance summary of each: the text the reference example
 * prints after synthesizing, so a reviewer sees the shape before reading JSON.
 */
export function platformReport(outdir: string, options: ReviewOptions = { packs: ['baseline', 'ml-guardrails'] }): string {
  const lines: string[] = [];
  let total = 0;
  const totals = { error: 0, warning: 0, info: 0, suppressed: 0 };
  const stacks = readSynthesizedFolder(outdir);
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const json = stack.json as { resource?: Record<string, Record<string, unknown>> };
    const counts = new Map<string, number>();
    let n = 0;
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      const k = Object.keys(byName).length;
      counts.set(family(type), (counts.get(family(type)) ?? 0) + k);
      n += k;
    }
    total += n;
    const result = reviewTerraformJson(stack.json, { ...options, source: stack.file });
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += result.summary[k];
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6)
      .map(([f, k]) => `${k} ${f}`).join(', ');
    lines.push(`${stack.name.padEnd(28)} ${String(n).padStart(5)} resources  governance: ${result.summary.error} error(s), ` +
      `${result.summary.warning} warning(s), ${result.summary.suppressed} suppressed  (${top}${counts.size > 6 ? ', …' : ''})`);
  }
  lines.push(`${'total'.padEnd(28)} ${String(total).padStart(5)} resources  governance: ${totals.error} error(s), ` +
    `${totals.warning} warning(s), ${totals.info} info, ${totals.suppressed} suppressed`);
  const contracts = evaluateContracts(stacks, { dependencies: stackDependencies(outdir) });
  const bad = (severity: string) => contracts.findings.filter((f) => f.severity === severity).length;
  lines.push(`${'contracts'.padEnd(28)} ${String(contracts.evaluated).padStart(5)} wires      checked: ${bad('error')} broken, ${bad('warning')} unverifiable, ` +
    `${contracts.suppressed.length} suppressed`);
  return lines.join('\n');
}
