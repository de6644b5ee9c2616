import { GovernedResource } from '../model';
import { podSpec } from './workloads';
import { block, blocks, str } from '../values';

/** Container runtime sockets: whoever can write to one can start a privileged container on the node. */
export const RUNTIME_SOCKETS: readonly string[] = [
  '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock', '/run/k3s/containerd/containerd.sock',
  '/run/crio/crio.sock', '/var/run/crio/crio.sock',
  '/run/docker.sock', '/var/run/docker.sock', '/run/cri-dockerd.sock', '/var/run/cri-dockerd.sock', '/var/run/dockershim.sock',
];

/** Host directories above the runtime sockets that hold much else besides (a mount there exposes the sockets too). */
export const SOCKET_PARENT_DIRECTORIES: readonly string[] = ['/', '/run', '/var', '/var/run'];

/** A host path without trailing or doubled slashes (`/var/run/` and `//var/run` are `/var/run`). */
export function normaliseHostPath(p: string): string {
  const trimmed = p.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** The runtime sockets a host path exposes: the socket itself, or every socket below a directory. */
export function socketsUnder(hostPath: string): string[] {
  const p = normaliseHostPath(hostPath);
  return RUNTIME_SOCKETS.filter((socket) => socket === p || p === '/' || socket.startsWith(`${p}/`));
}

/** hostPath volumes of a workload's pod spec, by volume name. */
export function hostPathVolumes(resource: GovernedResource): Array<{ name: string; path: string }> {
  return blocks(podSpec(resource), 'volume').flatMap((volume) => {
    const path = str(block(volume, 'host_path')?.path);
    return path ? [{ name: typeof volume.name === 'string' ? volume.name : '?', path }] : [];
  });
}
