import { Construct } from 'constructs';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Connections, IConnectable } from '../core/connections';
import { Validator } from '../core/errors';
import { checkPinnedImage, defaultImage } from '../core/images';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { checkSecretKeyRef, secretEnv } from '../core/private/secrets';
import { RETAIN_CLAIMS } from '../core/private/stateful';
import type { SecretKeyRef } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/private/security-context';
import { Size } from '../core/units';

/** The official Redis image's `redis` user. */
const REDIS_UID = 999;
export const REDIS_PORT = 6379;
/** The last BSD-licensed Redis line (7.4 moved to RSALv2/SSPL). */
export const DEFAULT_REDIS_IMAGE = 'redis:7.2.4';

/** Props for an in-cluster Redis online store ({@link FeastOnlineStore.inClusterRedis}). */
export interface InClusterRedisProps {
  /** The existing secret key holding the Redis password (`requirepass`); read by Redis and by Feast. */
  readonly passwordSecret: SecretKeyRef;
  /** Persistent volume size (append-only file and snapshots). @default Size.gibibytes(10) */
  readonly storage?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Memory request and limit of the Redis container; size it to hold every online value. @default Size.gibibytes(2) */
  readonly memory?: Size;
  /** @default 'redis:7.2.4' (the last BSD-licensed Redis line), through the app's RegistryMirrors */
  readonly image?: string;
}

/** Props for {@link FeastRedis}. */
export interface FeastRedisProps extends InClusterRedisProps {
  readonly target: IKubernetesTarget;
  /** Object name, e.g. `feast-redis`. */
  readonly name: string;
  /** Labels of the pods its own policy admits (this store's Feast pods); `connections` admits others. */
  readonly clientSelector: Record<string, string>;
}

/**
 * The in-cluster Redis online store of a Feast feature store: a one-replica StatefulSet with a persistent
 * volume that outlives the StatefulSet, AOF persistence, `requirepass` from an existing secret, a ClusterIP
 * Service and a NetworkPolicy admitting only the store's own pods (`clientSelector`). Anything else that must
 * reach it (a debugging pod, a backup job) is admitted through {@link connections}.
 */
export class FeastRedis extends Construct implements IConnectable {
  public readonly statefulSet: StatefulSetV1;
  public readonly service: ServiceV1;
  /** Its own policy: admits the Feast pods (`clientSelector`) on 6379. */
  public readonly networkPolicy: NetworkPolicyV1;
  /** Who else may reach Redis on 6379 (policies named `<name>-from-<peer>`). */
  public readonly connections: Connections;
  /** `host:port` inside the cluster. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: FeastRedisProps) {
    super(scope, id);
    const v = new Validator(this);
    checkSecretKeyRef(v, 'passwordSecret', props.passwordSecret, '{ name: "feast-redis", key: "password" }');
    checkPinnedImage(v, 'image', props.image);
    v.throwIfAny();
    const { target, name } = props;
    const common = { provider: target.providerFor(this), dependsOn: target.dependablesFor(this) };
    const labels = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'online-store' };
    const memory = (props.memory ?? Size.gibibytes(2)).toKubernetes();

    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace: target.namespace, labels },
      spec: { type: 'ClusterIP', selector: labels, port: [{ name: 'redis', port: 6379, targetPort: '6379' }] },
    });

    this.statefulSet = new StatefulSetV1(this, 'statefulset', {
      ...common,
      metadata: { name, namespace: target.namespace, labels },
      spec: {
        serviceName: name,
        replicas: '1',
        selector: { matchLabels: labels },
        // Deleting or scaling the StatefulSet keeps the volume: the online store is rebuilt only on purpose.
        persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(REDIS_UID),
            container: [{
              name: 'redis',
              image: props.image ?? defaultImage(this, DEFAULT_REDIS_IMAGE),
              // Bypasses the image entrypoint, which only chowns and drops root; the pod never has root.
              command: ['redis-server'],
              args: ['--dir', '/data', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '900 1 300 10', '--requirepass', '$(REDIS_PASSWORD)'],
              port: [{ name: 'redis', containerPort: 6379 }],
              env: [secretEnv('REDIS_PASSWORD', props.passwordSecret)],
              resources: { requests: { cpu: '250m', memory }, limits: { cpu: '1', memory } },
              securityContext: restrictedContainerSecurityContext(REDIS_UID),
              livenessProbe: { tcpSocket: [{ port: '6379' }], initialDelaySeconds: 10, periodSeconds: 10 },
              readinessProbe: { tcpSocket: [{ port: '6379' }], initialDelaySeconds: 5, periodSeconds: 5 },
              volumeMount: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplate: [{
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storageClassName,
            resources: { requests: { storage: (props.storage ?? Size.gibibytes(10)).toKubernetes() } },
          },
        }],
      },
    });

    this.networkPolicy = new NetworkPolicyV1(this, 'network-policy', {
      ...common,
      metadata: { name: `${name}-ingress`, namespace: target.namespace, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: props.clientSelector } }], ports: [{ port: '6379', protocol: 'TCP' }] }],
      },
    });
    this.connections = new Connections(this, {
      target, podSelector: labels, defaultPort: REDIS_PORT, policyName: name, labels,
      description: `the Feast online store Redis ${name} on cluster ${target.clusterName}`,
    });
    this.address = `${name}.${target.namespace}.svc.cluster.local:${REDIS_PORT}`;
  }
}
