import { Construct } from 'constructs';
import { Validator } from '../core/errors';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { WorkloadIdentityKind } from '../core/workload-identity';
import {
  checkElastiCacheProps, checkMemorystoreProps, ElastiCacheOnlineStoreProps, FeastElastiCache, FeastMemorystore,
  ManagedOnlineStoreConnection, MemorystoreOnlineStoreProps,
} from './feast-managed-redis';
import { FeastRedis } from './feast-redis';
import { FeastOnlineStore, FeastOnlineStoreKind } from './feast-stores';
import { checkPinnedImage } from '../core/images';

/** The online store a Feast feature store created, and how its pods reach it. */
export interface BuiltOnlineStore {
  readonly connection: ManagedOnlineStoreConnection;
  readonly redis?: FeastRedis;
  readonly elastiCache?: FeastElastiCache;
  readonly memorystore?: FeastMemorystore;
}

/** Checks the online store's props and that it can run where the target is; problems land in `v`. */
export function checkOnlineStore(v: Validator, store: FeastOnlineStore, target: IKubernetesTarget): void {
  const identity = target?.identity?.kind;
  const cluster = target?.clusterName ?? 'the target';
  switch (store.kind) {
    case FeastOnlineStoreKind.ELASTICACHE:
      checkElastiCacheProps(v, store.elastiCacheProps as ElastiCacheOnlineStoreProps);
      v.check(identity === WorkloadIdentityKind.EKS_POD_IDENTITY, 'onlineStore', 'elasticache',
        `needs an EKS target (ElastiCache is reached inside the cluster's VPC, admitted by its node security groups), but ${cluster} is not EKS; ` +
        'use FeastOnlineStore.memorystore({...}) on GKE or FeastOnlineStore.inClusterRedis({...}) elsewhere');
      break;
    case FeastOnlineStoreKind.MEMORYSTORE:
      checkMemorystoreProps(v, store.memorystoreProps as MemorystoreOnlineStoreProps);
      v.check(identity === WorkloadIdentityKind.GKE_WORKLOAD_IDENTITY, 'onlineStore', 'memorystore',
        `needs a GKE target (Memorystore is reached over private services access in the cluster's VPC), but ${cluster} is not GKE; ` +
        'use FeastOnlineStore.elastiCache({...}) on EKS or FeastOnlineStore.inClusterRedis({...}) elsewhere');
      break;
    default:
      if (v.check(!!store.redis && typeof store.redis.passwordSecret?.name === 'string', 'onlineStore.passwordSecret', store.redis?.passwordSecret,
        'is required: { name, key } of an existing Kubernetes secret with the Redis password')) {
        checkPinnedImage(v, 'onlineStore.image', store.redis!.image);
      }
  }
}

/** Creates the online store below `scope` (id `redis`, `elasticache` or `memorystore`). */
export function buildOnlineStore(scope: Construct, store: FeastOnlineStore, target: IKubernetesTarget, name: string,
  clientSelector: Record<string, string>): BuiltOnlineStore {
  const ctx = { target, name };
  if (store.kind === FeastOnlineStoreKind.ELASTICACHE) {
    const elastiCache = new FeastElastiCache(scope, 'elasticache', store.elastiCacheProps!, ctx);
    return { connection: elastiCache.connection, elastiCache };
  }
  if (store.kind === FeastOnlineStoreKind.MEMORYSTORE) {
    const memorystore = new FeastMemorystore(scope, 'memorystore', store.memorystoreProps!, ctx);
    return { connection: memorystore.connection, memorystore };
  }
  const redis = new FeastRedis(scope, 'redis', { ...store.redis!, target, name: `${name}-redis`, clientSelector });
  return {
    redis,
    connection: {
      connectionString: `${redis.address},password=$FEAST_REDIS_PASSWORD`,
      passwordSecret: store.redis!.passwordSecret,
      dependables: [redis.service],
    },
  };
}
