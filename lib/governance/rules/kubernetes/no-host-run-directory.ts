import { defineRule } from '../../rule';
import { hostPathVolumes, normaliseHostPath, SOCKET_PARENT_DIRECTORIES, socketsUnder } from '../../support/host-paths';
import { POD_BEARING_TYPES } from '../../support/workloads';

/**
 * Pods do not mount the host's /run, /var/run, /var or / : besides state of every other process they hold the
 * container runtime sockets, so the mount is as strong as k8s-no-container-runtime-socket's. In the strict pack
 * because some vendor device plugins (AWS Neuron) mount /run upstream.
 */
export const noHostRunDirectory = defineRule({
  id: 'k8s-no-host-run-directory',
  severity: 'warning',
  category: 'workload-hardening',
  description: 'Pods do not mount the host\'s /run, /var/run, /var or / (they contain the container runtime sockets).',
  remediation: 'Mount only the file or directory the workload needs (e.g. /var/lib/kubelet/device-plugins), never its parent /run.',
  references: ['AVD-KSV-0023', 'CIS Kubernetes 1.10 5.2.12'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['strict'],
  evaluate(resource) {
    return hostPathVolumes(resource)
      .filter(({ path }) => SOCKET_PARENT_DIRECTORIES.includes(normaliseHostPath(path)))
      .map(({ name, path }) => `volume "${name}" mounts host directory ${path}, which holds the container runtime sockets (${socketsUnder(path).slice(0, 2).join(', ')}, ...)`);
  },
});
