import { GovernedResource } from '../../model';
import { defineRule, RuleContext } from '../../rule';
import { blocks, isUnknown, str } from '../../values';

/** The parameter that forces TLS, per engine family, and the value that enables it. */
function tlsParameter(engine: string): { name: string; on: string[] } | undefined {
  if (/postgres|sqlserver/.test(engine)) return { name: 'rds.force_ssl', on: ['1'] };
  if (/mysql|mariadb/.test(engine)) return { name: 'require_secure_transport', on: ['1', 'ON', 'on', 'true'] };
  return undefined; // Oracle and Db2 enforce TLS through option groups / db2comm: not checked here.
}

/**
 * RDS for PostgreSQL 15 and later defaults rds.force_ssl to 1; older PostgreSQL, SQL Server, MySQL and MariaDB (and
 * Aurora) default to accepting plaintext connections.
 */
function defaultForcesTls(resource: GovernedResource, engine: string): boolean {
  if (resource.type !== 'aws_db_instance' || engine !== 'postgres') return false;
  const version = str(resource.values.engine_version);
  if (version === undefined) return true; // RDS picks the current default major version (15 or later)
  const major = Number(version.split('.')[0]);
  return Number.isFinite(major) && major >= 15;
}

const PARAMETER_GROUP: Record<string, { attribute: string; type: string }> = {
  aws_db_instance: { attribute: 'parameter_group_name', type: 'aws_db_parameter_group' },
  aws_rds_cluster: { attribute: 'db_cluster_parameter_group_name', type: 'aws_rds_cluster_parameter_group' },
};

/** The parameter groups a database uses: by reference, or by literal name matching a group in the configuration. */
function parameterGroups(resource: GovernedResource, ctx: RuleContext): GovernedResource[] | 'default' | 'elsewhere' | 'unknown' {
  const { attribute, type } = PARAMETER_GROUP[resource.type];
  const value = resource.values[attribute];
  const referenced = ctx.referencedFrom(resource, attribute, [type]);
  if (referenced.length) return referenced;
  if (isUnknown(value)) return 'unknown';
  const name = str(value);
  if (name === undefined || name === '' || name.startsWith('default.')) return 'default';
  const byName = ctx.resourcesOfType(type).filter((g) => str(g.values.name) === name);
  return byName.length ? byName : 'elsewhere';
}

/**
 * Databases refuse plaintext connections: the DB parameter group (Aurora: the cluster parameter group) sets
 * rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = 1 (MySQL, MariaDB). Read replicas and
 * Aurora cluster members take their parameters from elsewhere and are not checked; neither are Oracle and Db2.
 */
export const rdsTlsEnforced = defineRule({
  id: 'aws-rds-tls-enforced',
  severity: 'error',
  category: 'encryption-in-transit',
  description: 'RDS instances and Aurora clusters enforce TLS through their parameter group (rds.force_ssl = 1 or require_secure_transport = 1).',
  remediation: 'Attach an aws_db_parameter_group (Aurora: aws_rds_cluster_parameter_group) with parameter { name = "rds.force_ssl", value = "1" } (MySQL/MariaDB: require_secure_transport = 1).',
  references: ['CKV2_AWS_69'],
  appliesTo: ['aws_db_instance', 'aws_rds_cluster'],
  companions: ['aws_db_parameter_group', 'aws_rds_cluster_parameter_group'],
  packs: ['baseline'],
  evaluate(resource, ctx) {
    const v = resource.values;
    if (isUnknown(v.engine) || (v.replicate_source_db !== undefined && v.replicate_source_db !== null)) return [];
    // Instances of an Aurora cluster use the cluster parameter group, checked on the aws_rds_cluster.
    if (resource.type === 'aws_db_instance' && v.cluster_identifier !== undefined && v.cluster_identifier !== null) return [];
    const engine = (str(v.engine) ?? (resource.type === 'aws_rds_cluster' ? 'aurora-mysql' : '')).toLowerCase();
    const parameter = tlsParameter(engine);
    if (!parameter) return [];
    const groups = parameterGroups(resource, ctx);
    if (groups === 'unknown' || groups === 'elsewhere') return [];
    if (groups === 'default') {
      return defaultForcesTls(resource, engine) ? [] : [`uses the default parameter group, which does not set ${parameter.name}: plaintext connections are accepted`];
    }
    const out: string[] = [];
    for (const group of groups) {
      const setting = blocks(group.values, 'parameter').find((p) => str(p.name) === parameter.name);
      if (!setting) {
        if (!defaultForcesTls(resource, engine)) out.push(`parameter group ${group.address} does not set ${parameter.name}: plaintext connections are accepted`);
        continue;
      }
      if (isUnknown(setting.value)) continue;
      const value = String(setting.value);
      if (!parameter.on.includes(value)) out.push(`parameter group ${group.address} sets ${parameter.name} = ${value}: plaintext connections are accepted`);
    }
    return out;
  },
});
