import * as fs from 'fs';
import { loadRulesModule } from '../governance/custom-rules';
import { ReviewOptions, selectRules } from '../governance/engine';
import { ReviewResult, Severity } from '../governance/model';
import { isPlanJson } from '../governance/normalize/plan';
import { isTerraformJson } from '../governance/normalize/terraform-json';
import { RecordedConfigurationOptions, rulesOfConfigurations } from '../governance/recorded-configuration';
import { reviewPlan, reviewSynthesizedFolder, reviewTerraformJson } from '../governance/review';
import { Rule } from '../governance/rule';
import { ALL_RULES } from '../governance/rules';
import { parseJsonFile } from '../governance/synth-folder';
import { parseReviewArguments, ReviewArguments, UsageError } from './args';
import { errorLine } from './errors';
import { writeReportTo } from './output';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Usage text printed by `ml-platform --help`. */
export const USAGE = `Usage: ml-platform review PATH [options]

PATH is a cdk.tf.json file, a cdktf.out folder (every stack) or a plan JSON file
(terraform show -json plan.tfplan > plan.json).

Options:
  --format table|json|sarif|junit|markdown   report format (default table)
  --output FILE                              write the report to FILE instead of stdout
  --fail-on error|warning|info|none          exit 1 when a finding is at or above this severity (default error)
  --pack NAME                                enable a pack: ml-guardrails, strict (repeatable; baseline is always on)
  --param KEY=VALUE                          rule parameter (repeatable): allowedRegions=a,b  allowedRegions.<class>=a,b
                                             approvedRegistries=p1,p2  requiredTags=t1,t2  maxAcceleratorsPerPool=N
                                             maxAcceleratorsPerCluster=N  maxAcceleratorsPerNamespace=N
  --severity RULE_ID=LEVEL                   override a rule's severity (error|warning|info|off)
  --disable RULE_ID                          disable a rule (repeatable)
  --suppressions-from DIR                    for plans: take suppressions, construct paths and the recorded
                                             governance configuration from a cdktf.out folder
  --rules MODULE                             load custom rules or packs from a JavaScript module (repeatable)
  --ignore-recorded-config                   ignore the governance configuration recorded at synth; use the flags only

The governance configuration given at synth (packs, parameters, severity overrides, custom rules) is recorded
in each stack and applied by default; flags add packs and disabled rules and override parameters and severities.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, 2 bad usage or input.
`;

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Run the CLI; returns the exit code. Never throws for bad input: it prints one line to stderr and returns 2. */
export function main(argv: readonly string[], io: CliIo): number {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      (argv.length === 0 ? io.stderr : io.stdout)(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] !== 'review') throw new UsageError(`unknown command '${argv[0]}'; the only command is 'review' (see ml-platform --help)`);
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(USAGE);
      return 0;
    }
    const args = parseReviewArguments(argv.slice(1));
    const custom: Rule[] = [];
    const customPacks: string[] = [];
    for (const file of args.ruleModules) {
      let loaded;
      try {
        loaded = loadRulesModule(file, custom);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      custom.push(...loaded.rules);
      customPacks.push(...loaded.packs);
    }
    const options: ReviewOptions & RecordedConfigurationOptions = {
      ...(custom.length ? { rules: [...ALL_RULES, ...custom], customPacks } : {}),
      useRecordedConfiguration: !args.ignoreRecordedConfig,
      packs: args.packs,
      parameters: args.parameters,
      severityOverrides: args.severityOverrides,
      disabledRules: args.disabledRules,
      recordPasses: args.format === 'junit',
    };
    try {
      selectRules(options);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const result = review(args, options);
    const rules = rulesOfConfigurations(result.summary.configurations, options);
    writeReportTo(args.format, result, { rules, input: args.path }, args.output, io.stdout);
    if (args.failOn === 'none') return 0;
    const threshold = RANK[args.failOn];
    return result.findings.some((f) => RANK[f.severity] >= threshold) ? 1 : 0;
  } catch (e) {
    io.stderr(`ml-platform: ${errorLine(e, reviewedPath(argv))}\n`);
    return 2;
  }
}

/** The PATH argument of `review`, for error messages. */
function reviewedPath(argv: readonly string[]): string | undefined {
  try {
    return parseReviewArguments(argv.slice(1)).path;
  } catch {
    return undefined;
  }
}

function review(args: ReviewArguments, options: ReviewOptions & RecordedConfigurationOptions): ReviewResult {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(args.path);
  } catch {
    throw new UsageError(`${args.path} does not exist`);
  }
  if (stat.isDirectory()) return reviewSynthesizedFolder(args.path, options);
  const json = parseJsonFile(args.path);
  if (isPlanJson(json)) {
    return reviewPlan(json, { ...options, suppressionsFrom: args.suppressionsFrom, source: args.path });
  }
  if (isTerraformJson(json)) return reviewTerraformJson(json, { ...options, source: args.path });
  throw new UsageError(`${args.path} is neither Terraform JSON (cdk.tf.json) nor plan JSON (terraform show -json)`);
}
