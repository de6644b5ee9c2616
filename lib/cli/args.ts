import { Severity } from '../governance/model';
import { REPORT_FORMATS, ReportFormat } from '../governance/reports';
import { GovernanceParameters } from '../governance/rule';

/** Thrown for bad usage or input; the CLI prints the message as one line and exits 2. */
export class UsageError extends Error {}

/** Parsed `ml-platform review` arguments. */
export interface ReviewArguments {
  readonly path: string;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity | 'none';
  readonly packs: string[];
  readonly parameters: GovernanceParameters;
  readonly severityOverrides: Record<string, Severity | 'off'>;
  readonly disabledRules: string[];
  readonly suppressionsFrom?: string;
  /** Modules exporting custom rules or packs (`--rules`, repeatable). */
  readonly ruleModules: string[];
  /** `--ignore-recorded-config`: review with the flags only, not the configuration recorded at synth. */
  readonly ignoreRecordedConfig: boolean;
}

const FAIL_ON = ['error', 'warning', 'info', 'none'];
const LIST_PARAMS = ['allowedRegions', 'approvedRegistries', 'requiredTags'];
const NUMBER_PARAMS = ['maxAcceleratorsPerPool', 'maxAcceleratorsPerCluster', 'maxAcceleratorsPerNamespace'];

/** Turn `key=value` into a parameter; `allowedRegions.<classification>=a,b` sets a per-classification list. */
export function applyParameter(params: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param expects key=value, got '${assignment}'`);
  const key = assignment.slice(0, eq);
  const value = assignment.slice(eq + 1);
  const list = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (key.startsWith('allowedRegions.')) {
    // Prototype-free: a classification named `__proto__` or `constructor` is a key like any other.
    const byClass: Record<string, string[]> = Object.assign(Object.create(null), params.allowedRegionsByClassification ?? {});
    byClass[key.slice('allowedRegions.'.length)] = list;
    params.allowedRegionsByClassification = byClass;
  } else if (LIST_PARAMS.includes(key)) {
    params[key] = list;
  } else if (NUMBER_PARAMS.includes(key)) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--param ${key} expects a whole number, got '${value}'`);
    params[key] = n;
  } else {
    throw new UsageError(`unknown parameter '${key}'; known: ${[...LIST_PARAMS, 'allowedRegions.<classification>', ...NUMBER_PARAMS].join(', ')}`);
  }
}

/** Parse the arguments after `review`. Accepts `--flag value` and `--flag=value`. */
export function parseReviewArguments(argv: readonly string[]): ReviewArguments {
  let path: string | undefined;
  let format: ReportFormat = 'table';
  let output: string | undefined;
  let failOn: Severity | 'none' = 'error';
  let suppressionsFrom: string | undefined;
  const packs: string[] = [];
  const parameters: Record<string, unknown> = {};
  const severityOverrides: Record<string, Severity | 'off'> = Object.create(null);
  const disabledRules: string[] = [];
  const ruleModules: string[] = [];
  let ignoreRecordedConfig = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (path !== undefined) throw new UsageError(`unexpected argument '${arg}': review takes one PATH`);
      path = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--format': {
        const f = value();
        if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${f}'`);
        format = f as ReportFormat;
        break;
      }
      case '--output': output = value(); break;
      case '--fail-on': {
        const f = value();
        if (!FAIL_ON.includes(f)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, got '${f}'`);
        failOn = f as Severity | 'none';
        break;
      }
      case '--pack': packs.push(value()); break;
      case '--param': applyParameter(parameters, value()); break;
      case '--severity': {
        const [id, level] = value().split('=');
        if (!id || !['error', 'warning', 'info', 'off'].includes(level)) throw new UsageError(`--severity expects RULE_ID=error|warning|info|off`);
        severityOverrides[id] = level as Severity | 'off';
        break;
      }
      case '--disable': disabledRules.push(value()); break;
      case '--suppressions-from': suppressionsFrom = value(); break;
      case '--rules': ruleModules.push(value()); break;
      case '--ignore-recorded-config': ignoreRecordedConfig = true; break;
      default: throw new UsageError(`unknown option '${flag}'; run 'ml-platform --help'`);
    }
  }
  if (path === undefined) throw new UsageError('review needs a PATH: a cdk.tf.json file, a cdktf.out folder or a plan JSON file');
  return { path, format, output, failOn, packs, parameters: parameters as GovernanceParameters, severityOverrides, disabledRules, suppressionsFrom, ruleModules, ignoreRecordedConfig };
}
