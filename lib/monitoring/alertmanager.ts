import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { IKubernetesTarget } from '../core/kubernetes-target';
import { Cpu, Size } from '../core/units';
import { componentLabels, componentSelector, configHashAnnotation, hardenedContainer, httpProbe, nonRootPodSecurity, resources } from './private/pod-security';
import type { SecretKeyRef } from '../core/secrets';
import { ALERTMANAGER_SECRETS_DIR } from './receivers';
import { RETAIN_CLAIMS } from '../core/private/stateful';

/** Props for {@link AlertmanagerServer}. */
export interface AlertmanagerServerProps {
  readonly target: IKubernetesTarget;
  readonly dependsOn: ITerraformDependable[];
  /** alertmanager.yml (from `alertmanagerConfig`); holds file paths, never secret values. */
  readonly config: string;
  /** The Secrets the receivers read; each is mounted read-only at `/etc/alertmanager-secrets/<name>/`. */
  readonly secrets: SecretKeyRef[];
  readonly image: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** Alertmanager's port. */
export const ALERTMANAGER_PORT = 9093;

/**
 * One Alertmanager (clustering off): a StatefulSet whose 2 GiB volume keeps silences and the notification
 * log across restarts, its configuration in a ConfigMap, receiver secrets mounted from existing Secrets.
 */
export class AlertmanagerServer extends Construct {
  public readonly configMap: ConfigMapV1;
  public readonly statefulSet: StatefulSetV1;
  public readonly service: ServiceV1;
  /** `host:port` inside the cluster. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: AlertmanagerServerProps) {
    super(scope, id);
    const ns = props.target.namespace;
    const common = { provider: props.target.providerFor(this), dependsOn: props.dependsOn };
    const labels = componentLabels('alertmanager');
    const name = 'alertmanager';
    this.address = `${name}.${ns}.svc:${ALERTMANAGER_PORT}`;
    const secretNames = [...new Set(props.secrets.map((s) => s.name))].sort();

    this.configMap = new ConfigMapV1(this, 'config', {
      ...common, metadata: { name: 'alertmanager-config', namespace: ns, labels }, data: { 'alertmanager.yml': props.config },
    });
    this.statefulSet = new StatefulSetV1(this, 'stateful-set', {
      ...common,
      metadata: { name, namespace: ns, labels },
      spec: {
        serviceName: name,
        replicas: '1',
        selector: { matchLabels: componentSelector('alertmanager') },
        updateStrategy: [{ type: 'RollingUpdate' }],
        persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
        template: {
          metadata: { labels, annotations: configHashAnnotation(props.config) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: nonRootPodSecurity(65534),
            container: [{
              name: 'alertmanager',
              image: props.image,
              args: [
                '--config.file=/etc/alertmanager/alertmanager.yml',
                '--storage.path=/alertmanager',
                // One replica: no gossip cluster to form.
                '--cluster.listen-address=',
                `--web.listen-address=:${ALERTMANAGER_PORT}`,
              ],
              port: [{ name: 'web', containerPort: ALERTMANAGER_PORT }],
              readinessProbe: httpProbe('/-/ready', 'web', 5),
              livenessProbe: httpProbe('/-/healthy', 'web', 30),
              resources: resources(Cpu.millis(100), Size.mebibytes(256)),
              securityContext: hardenedContainer(),
              volumeMount: [
                { name: 'config', mountPath: '/etc/alertmanager', readOnly: true },
                { name: 'data', mountPath: '/alertmanager' },
                ...secretNames.map((s) => ({ name: `secret-${s}`.slice(0, 63), mountPath: `${ALERTMANAGER_SECRETS_DIR}/${s}`, readOnly: true })),
              ],
            }],
            volume: [
              { name: 'config', configMap: { name: this.configMap.metadata.name } },
              ...secretNames.map((s) => ({ name: `secret-${s}`.slice(0, 63), secret: { secretName: s, defaultMode: '0440' } })),
            ],
          },
        },
        volumeClaimTemplate: [{
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
            resources: { requests: { storage: '2Gi' } },
          },
        }],
      },
    });
    this.service = new ServiceV1(this, 'service', {
      ...common,
      metadata: { name, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: componentSelector('alertmanager'), port: [{ name: 'web', port: ALERTMANAGER_PORT, targetPort: 'web' }] },
    });
  }
}
