import * as path from 'path';
import { Finding, ReviewResult, Severity } from '../model';
import { ReportContext } from './context';
import { visible } from './escape';
import { ChunkedWriter, collect, writeJsonWithList } from './writer';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

function uri(file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  return relative.split(path.sep).join('/');
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule descriptor per enabled rule, one result per finding, written
 * result by result. Texts from the input are made visible (no control or direction characters); counts of
 * evaluations left unknown until apply and the review's notes are run properties.
 */
export function writeSarif(result: ReviewResult, context: ReportContext, out: ChunkedWriter): void {
  const rules = context.rules.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.description },
    fullDescription: { text: `${r.description} References: ${r.references.join(', ')}` },
    help: { text: r.remediation, markdown: `**Fix:** ${r.remediation}\n\nApplies to: ${r.appliesTo.slice(0, 10).join(', ')}` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { category: r.category, tags: [r.category, ...r.packs] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const toResult = (f: Finding): Record<string, unknown> => ({
    ruleId: f.ruleId,
    ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
    level: LEVEL[f.severity],
    message: { text: visible(`${f.address}: ${f.message}${f.note ? ` (${f.note})` : ''}`) },
    locations: [{
      physicalLocation: { artifactLocation: { uri: uri(f.file ?? context.input) }, region: { startLine: 1 } },
      logicalLocations: [{ name: visible(f.address), fullyQualifiedName: visible(f.constructPath ?? f.address), kind: 'resource' }],
    }],
    partialFingerprints: { 'mlPlatformFinding/v1': `${f.ruleId}:${f.address}` },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: visible(f.suppressed.reason) }] } : {}),
  });
  const s = result.summary;
  const properties = {
    ...(s.unknown ? { unknownUntilApply: s.unknown, unknownByRule: s.unknownByRule } : {}),
    ...(result.notes?.length ? { notes: result.notes.map(visible) } : {}),
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'ml-platform', informationUri: 'https://github.com/cdktf-ml-platform', rules } },
      results: [],
      ...(Object.keys(properties).length ? { properties } : {}),
    }],
  };
  function* results(): Iterable<Record<string, unknown>> {
    for (const f of result.findings) yield toResult(f);
    for (const f of result.suppressed) yield toResult(f);
  }
  writeJsonWithList(out, sarif, ['runs', '0', 'results'], results());
  out.add('\n');
}

/** The SARIF report as one string. */
export function renderSarif(result: ReviewResult, context: ReportContext): string {
  return collect((out) => writeSarif(result, context, out));
}
