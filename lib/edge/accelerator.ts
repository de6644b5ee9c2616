import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { RuntimeClassV1 } from '@cdktf/provider-kubernetes/lib/runtime-class-v1';
import { Architecture } from './site';

/*
 * Sources for the NVIDIA Jetson data below (checked 2026-08):
 * - NVIDIA/k8s-device-plugin CHANGELOG v0.13.0-rc.1: "Add a CUDA-based resource manager that can be used to expose
 *   integrated devices on Tegra-based systems"; README "Prerequisites": nvidia-container-toolkit >= 1.11.0 "to use
 *   integrated GPUs on Tegra-based systems"; internal/rm/tegra_manager.go: the Tegra GPU is advertised as the
 *   `nvidia.com/gpu` resource, one device per SoC, multiplied by the `sharing.timeSlicing` replicas
 *   (updateDeviceMapWithReplicas). The README's RuntimeClass example is `name: nvidia, handler: nvidia`.
 * - k3s docs, docs/advanced.md "NVIDIA Container Runtime": K3s detects the NVIDIA container runtime and adds it to
 *   containerd; "K3s includes Kubernetes RuntimeClass definitions for all supported alternative runtimes"
 *   (k3s-io/k3s manifests/runtimes.yaml: RuntimeClass `nvidia`, handler `nvidia`); unless the node's default runtime
 *   was changed (`--default-runtime`), pods must set `runtimeClassName: nvidia`. Older k3s releases (and the docs of
 *   that time) asked the administrator to create that RuntimeClass.
 * - L4T images (gitlab.com/nvidia/container-images/l4t-base, "Add r34 support"; NVIDIA-AI-IOT jetson-min-disk,
 *   JetPack 5.0.2 = L4T R35.1.0): from L4T r34 (JetPack 5) the l4t-base image no longer takes CUDA from the host;
 *   inference images carry CUDA/TensorRT themselves (l4t-jetpack, l4t-tensorrt) and must match the device's L4T
 *   major release (R35 = JetPack 5, R36 = JetPack 6). Jetson modules are arm64 (aarch64) only.
 */

/** Options for {@link NvidiaRuntime.createRuntimeClass}. */
export interface CreateRuntimeClassOptions {
  /** The RuntimeClass's name. @default 'nvidia' */
  readonly name?: string;
  /** The containerd runtime handler it selects. @default 'nvidia' */
  readonly handler?: string;
}

/** A taint an edge site's pods tolerate. */
export interface EdgeToleration {
  readonly key: string;
  readonly operator: string;
  readonly effect: string;
}

/** How pods at a Jetson site get the NVIDIA container runtime, which mounts the Tegra GPU and its libraries. */
export abstract class NvidiaRuntime {
  /**
   * The node's default runtime already is NVIDIA's (`nvidia-ctk runtime configure --set-as-default`, or k3s
   * `--default-runtime nvidia`): pods set no `runtimeClassName`.
   */
  public static readonly NODE_DEFAULT: NvidiaRuntime = new (class extends NvidiaRuntime {
    public bind(): string | undefined { return undefined; }
  })('node-default');

  /**
   * An existing RuntimeClass, by default `nvidia`: the one k3s ships (manifests/runtimes.yaml) once it finds the
   * NVIDIA container runtime on the node.
   */
  public static runtimeClass(name = 'nvidia'): NvidiaRuntime {
    return new (class extends NvidiaRuntime {
      public bind(): string { return name; }
    })(`runtime-class:${name}`);
  }

  /**
   * The site workload creates the RuntimeClass (cluster-scoped) for a containerd that `nvidia-ctk runtime configure`
   * set up without `--set-as-default` (NVIDIA/k8s-device-plugin README). Not on k3s: k3s ships its own `nvidia`
   * RuntimeClass, and two owners of one object fight.
   */
  public static createRuntimeClass(options: CreateRuntimeClassOptions = {}): NvidiaRuntime {
    const name = options.name ?? 'nvidia';
    const handler = options.handler ?? 'nvidia';
    return new (class extends NvidiaRuntime {
      public bind(scope: Construct, provider: KubernetesProvider): string {
        new RuntimeClassV1(scope, 'runtime-class', { provider, metadata: { name }, handler });
        return name;
      }
    })(`create-runtime-class:${name}:${handler}`);
  }

  protected constructor(
    /** A stable description, for errors and tests. */
    public readonly id: string,
  ) {}

  /** Creates what the runtime needs at the site; returns the pod's `runtimeClassName`, if any. */
  public abstract bind(scope: Construct, provider: KubernetesProvider): string | undefined;

  public toString(): string {
    return this.id;
  }
}

/** Options for {@link EdgeAccelerator.nvidiaJetson}. */
export interface NvidiaJetsonOptions {
  /** How pods get the NVIDIA container runtime. @default NvidiaRuntime.runtimeClass('nvidia') (the RuntimeClass k3s ships) */
  readonly runtime?: NvidiaRuntime;
  /**
   * Node labels that mark the Jetson nodes, on top of `kubernetes.io/arch=arm64`. NVIDIA publishes no Jetson node
   * label (GPU feature discovery names the CUDA device, not the module), so label the nodes when you provision them:
   * `k3s agent --node-label ml-platform.io/accelerator=nvidia-jetson` or `kubectl label node …`.
   * @default { 'ml-platform.io/accelerator': 'nvidia-jetson' }
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * How many `nvidia.com/gpu` the site's NVIDIA device plugin advertises per Jetson: its `sharing.timeSlicing`
   * replicas (the Tegra GPU is one device). With 1, a Deployment replaces its pod (the old one must free the GPU
   * before the new one can start, so a site briefly stops serving while the new pod loads the model); with more
   * than `replicas`, the new pod starts before the old one stops, as on CPU sites. (Sized for the usual site of
   * one Jetson; a site of several surges less often than it could, never more.)
   * @default 1
   */
  readonly timeSlicingReplicas?: number;
}

/** What an accelerator puts into a site's pod spec, resolved by {@link EdgeAccelerator.bind}. */
export interface EdgeAcceleratorConfig {
  /** Node labels beyond `kubernetes.io/arch`. */
  readonly nodeSelector: Record<string, string>;
  /** @default - the node's default runtime */
  readonly runtimeClassName?: string;
  /** Extended resources the inference container requests and is limited to, e.g. `nvidia.com/gpu` → `1`. */
  readonly resources: Record<string, string>;
  /** Taints the pods tolerate. */
  readonly tolerations: EdgeToleration[];
  /** How many inference pods of a site can hold the accelerator at once; undefined for no limit. */
  readonly podsPerSite?: number;
}

/**
 * The accelerator of an edge site's nodes: none (a CPU site on arm64 or amd64), or an NVIDIA Jetson (arm64, L4T)
 * whose integrated GPU the inference container requests as `nvidia.com/gpu`.
 *
 * Set it on the fleet (`accelerator`) or per site (`sites[i].accelerator`).
 */
export abstract class EdgeAccelerator {
  /** No accelerator: the model runs on the CPU, on arm64 or amd64 nodes. */
  public static readonly NONE: EdgeAccelerator = new (class extends EdgeAccelerator {
    public bind(): EdgeAcceleratorConfig { return { nodeSelector: {}, resources: {}, tolerations: [] }; }
  })('none', [Architecture.ARM64, Architecture.AMD64]);

  /**
   * An NVIDIA Jetson module (Orin, Xavier; arm64, L4T). The site needs the NVIDIA container runtime (JetPack's
   * `nvidia-container` package) and the NVIDIA device plugin (v0.13.0 or later, which exposes the Tegra GPU as
   * `nvidia.com/gpu`; run it with the same `runtimeClassName`). The inference image must be an L4T image of the
   * device's L4T major release (e.g. `nvcr.io/nvidia/l4t-jetpack:r36.x` for JetPack 6).
   */
  public static nvidiaJetson(options: NvidiaJetsonOptions = {}): EdgeAccelerator {
    const runtime = options.runtime ?? NvidiaRuntime.runtimeClass('nvidia');
    const nodeSelector = options.nodeSelector ?? { 'ml-platform.io/accelerator': 'nvidia-jetson' };
    const replicas = options.timeSlicingReplicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new RangeError(`EdgeAccelerator.nvidiaJetson: timeSlicingReplicas (${replicas}) must be a whole number from 1 up: the device plugin's sharing.timeSlicing replicas, 1 without time-slicing`);
    }
    return new (class extends EdgeAccelerator {
      public bind(scope: Construct, provider: KubernetesProvider): EdgeAcceleratorConfig {
        const runtimeClassName = runtime.bind(scope, provider);
        return {
          nodeSelector: { ...nodeSelector },
          ...(runtimeClassName ? { runtimeClassName } : {}),
          resources: { 'nvidia.com/gpu': '1' },
          // Where the Jetson nodes are tainted for GPU pods only, the site's pods still land on them.
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          podsPerSite: replicas,
        };
      }
    })('nvidia-jetson', [Architecture.ARM64]);
  }

  protected constructor(
    /** Short name, e.g. `nvidia-jetson`. */
    public readonly id: string,
    /** The node architectures the accelerator exists on. */
    public readonly architectures: Architecture[],
  ) {}

  /** Creates what the accelerator needs at the site (e.g. a RuntimeClass) and returns what its pods carry. */
  public abstract bind(scope: Construct, provider: KubernetesProvider): EdgeAcceleratorConfig;

  public toString(): string {
    return this.id;
  }
}
