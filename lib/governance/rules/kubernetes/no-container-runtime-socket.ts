import { defineRule } from '../../rule';
import { hostPathVolumes, normaliseHostPath, SOCKET_PARENT_DIRECTORIES, socketsUnder } from '../../support/host-paths';
import { POD_BEARING_TYPES } from '../../support/workloads';

/**
 * Pods mount no container runtime socket (docker.sock, containerd.sock, crio.sock) through a hostPath volume, neither
 * the socket nor the runtime's own directory (/run/containerd, /var/run/crio): with the socket a container controls
 * the node. Mounts of /run, /var/run, /var or / expose the sockets too and are k8s-no-host-run-directory's (strict).
 */
export const noContainerRuntimeSocket = defineRule({
  id: 'k8s-no-container-runtime-socket',
  severity: 'error',
  category: 'workload-hardening',
  description: 'Pods do not mount a container runtime socket (docker.sock, containerd.sock, crio.sock) or the runtime\'s socket directory.',
  remediation: 'Remove the host_path volume; build images with a daemonless builder (BuildKit rootless, Kaniko) and read container metadata through the Kubernetes API.',
  references: ['CKV_K8S_27', 'AVD-KSV-0006', 'CIS Kubernetes 1.10 5.2.12'],
  appliesTo: POD_BEARING_TYPES,
  packs: ['baseline'],
  evaluate(resource) {
    const out: string[] = [];
    for (const { name, path } of hostPathVolumes(resource)) {
      if (SOCKET_PARENT_DIRECTORIES.includes(normaliseHostPath(path))) continue;
      const sockets = socketsUnder(path);
      if (sockets.length === 0) continue;
      out.push(sockets.includes(normaliseHostPath(path))
        ? `volume "${name}" mounts the container runtime socket ${path} from the host`
        : `volume "${name}" mounts host directory ${path}, which holds the container runtime socket ${sockets.join(', ')}`);
    }
    return out;
  },
});
