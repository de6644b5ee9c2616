import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { Validator } from '../../core/errors';
import { googleSetting } from '../../core/private/environment';
import { ElastiCacheEngine, ElastiCacheOnlineStoreProps, MemorystoreOnlineStoreProps, MemorystoreSnapshotPeriod } from '../feast-managed-redis';

const CACHE_ID = /^(?!.*--)[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** Validates ElastiCache props; problems land in `v` under `onlineStore.…`. */
export function checkElastiCacheProps(v: Validator, p: ElastiCacheOnlineStoreProps): void {
  if (!v.check(!!p && typeof p === 'object', 'onlineStore', p,
    'must be FeastOnlineStore.elastiCache({ replicationGroupId, vpcId, subnetIds, clientSecurityGroupIds, authTokenSecretId })')) return;
  v.check(typeof p.replicationGroupId === 'string', 'onlineStore.replicationGroupId', p.replicationGroupId, 'is required, e.g. "feast-online"');
  v.matches('onlineStore.replicationGroupId', p.replicationGroupId, CACHE_ID,
    'must be 1-40 lowercase letters, digits and hyphens, starting with a letter, without "--" or a trailing hyphen');
  v.matches('onlineStore.vpcId', p.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id, e.g. vpc-0123456789abcdef0');
  v.check(typeof p.vpcId === 'string', 'onlineStore.vpcId', p.vpcId, 'is required: the VPC of the cluster');
  if (v.nonEmpty('onlineStore.subnetIds', p.subnetIds, 'must list private subnets in at least two Availability Zones')) {
    v.check(Token.isUnresolved(p.subnetIds) || p.subnetIds.length >= 2, 'onlineStore.subnetIds', p.subnetIds,
      'must list subnets in at least two Availability Zones (Multi-AZ needs them)');
    p.subnetIds.forEach((s, i) => v.matches(`onlineStore.subnetIds[${i}]`, s, /^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id'));
  }
  if (v.nonEmpty('onlineStore.clientSecurityGroupIds', p.clientSecurityGroupIds,
    'must name the security group(s) of the nodes Feast runs on (e.g. the EKS cluster security group); the cache admits nothing else')) {
    p.clientSecurityGroupIds.forEach((s, i) => v.matches(`onlineStore.clientSecurityGroupIds[${i}]`, s, /^sg-[0-9a-f]{8,17}$/, 'must be a security group id'));
  }
  if (v.check(typeof p.authTokenSecretId === 'string', 'onlineStore.authTokenSecretId', p.authTokenSecretId,
    'is required: the name or ARN of an existing Secrets Manager secret holding the AUTH token (never the token itself)')) {
    v.matches('onlineStore.authTokenSecretId', p.authTokenSecretId, /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+|[\w/+=.@-]{1,512})$/,
      'must be a Secrets Manager secret name or ARN (letters, digits and /_+=.@-)');
  }
  v.check(p.engine === undefined || Object.values(ElastiCacheEngine).includes(p.engine), 'onlineStore.engine', p.engine,
    `must be one of ${Object.values(ElastiCacheEngine).join(', ')}`);
  v.matches('onlineStore.engineVersion', p.engineVersion, /^\d+\.\d+$/, 'must be a major.minor version, e.g. "8.0"');
  v.matches('onlineStore.nodeType', p.nodeType, /^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an ElastiCache node type such as cache.r7g.large');
  v.integer('onlineStore.nodes', p.nodes, 2, 6, 'must be a whole number from 2 to 6: automatic failover and Multi-AZ need a replica');
  if (p.snapshotRetention !== undefined) {
    let days: number | undefined;
    try { days = p.snapshotRetention.toDays(); } catch { days = undefined; }
    v.check(days !== undefined && days >= 7 && days <= 35, 'onlineStore.snapshotRetention', p.snapshotRetention, 'must be whole days from 7 to 35');
  }
}

/**
 * Validates Memorystore props; problems land in `v` under `onlineStore.…`. Project and region come from the props or
 * the Google provider of `scope`'s stack.
 */
export function checkMemorystoreProps(scope: IConstruct, v: Validator, p: MemorystoreOnlineStoreProps): void {
  if (!v.check(!!p && typeof p === 'object', 'onlineStore', p, 'must be FeastOnlineStore.memorystore({ instanceId, network })')) return;
  googleSetting(scope, v, 'onlineStore.project', 'project', p.project);
  googleSetting(scope, v, 'onlineStore.region', 'region', p.region);
  v.matches('onlineStore.project', p.project, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a project id, e.g. "ml-prod-123"');
  v.matches('onlineStore.region', p.region, /^[a-z]+-[a-z]+\d+$/, 'must be a region such as europe-west4 (not a zone)');
  v.check(typeof p.instanceId === 'string', 'onlineStore.instanceId', p.instanceId, 'is required, e.g. "feast-online"');
  v.matches('onlineStore.instanceId', p.instanceId, /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be 1-40 lowercase letters, digits and hyphens, starting with a letter');
  v.check(typeof p.network === 'string', 'onlineStore.network', p.network, 'is required: the cluster VPC with private services access');
  v.matches('onlineStore.network', p.network, /^projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]*[a-z0-9])?$/,
    'must be projects/<project>/global/networks/<vpc> (the VPC with private services access)');
  v.matches('onlineStore.reservedIpRange', p.reservedIpRange, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be the name of a private services access range');
  if (p.memorySize !== undefined) {
    let gib: number | undefined;
    try { gib = p.memorySize.toGibibytes(); } catch { gib = undefined; }
    v.check(gib !== undefined && Number.isInteger(gib) && gib >= 1 && gib <= 300, 'onlineStore.memorySize', p.memorySize, 'must be whole GiB from 1 to 300');
  }
  v.matches('onlineStore.redisVersion', p.redisVersion, /^REDIS_\d+_\d+$/, 'must be a Memorystore version such as REDIS_7_2');
  v.check(p.snapshotPeriod === undefined || Object.values(MemorystoreSnapshotPeriod).includes(p.snapshotPeriod), 'onlineStore.snapshotPeriod',
    p.snapshotPeriod, `must be one of ${Object.values(MemorystoreSnapshotPeriod).join(', ')}`);
}

