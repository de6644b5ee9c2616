import { StaticModelSource } from '../../lib/core/model-source';
import { EdgeFleetProps } from '../../lib/edge/fleet';
import { Architecture, EdgeSiteProps } from '../../lib/edge/site';
import { Synth } from '../util';

/** An image reference pinned by digest. */
export const digest = (n: string) => `registry.example.com/${n}@sha256:${'a'.repeat(64)}`;

/** The model source of the fixtures: three released versions of `defect-detector`. */
export const source = new StaticModelSource('central-registry', 's3://ml-models', { 'defect-detector': ['11', '12', '13'] });

/** `n` sites named `<prefix>-0000`…, in the ring `ringOf(i)`. */
export function sites(n: number, ringOf: (i: number) => string = () => 'broad', prefix = 'clinic'): EdgeSiteProps[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i).padStart(4, '0')}`, ring: ringOf(i), architecture: Architecture.ARM64 }));
}

/** A three-ring fleet (canary, early, broad) with the given overrides. */
export function fleetProps(overrides: Partial<EdgeFleetProps> = {}): EdgeFleetProps {
  return {
    fleetName: 'defects',
    model: { source, name: 'defect-detector' },
    rings: [{ name: 'canary', modelVersion: '13' }, { name: 'early', modelVersion: '12' }, { name: 'broad', modelVersion: '12' }],
    sites: sites(6, (i) => (i === 0 ? 'canary' : i < 3 ? 'early' : 'broad')),
    image: digest('defect-detector'),
    modelFetcher: { image: digest('aws-cli'), credentialsSecret: 'model-reader' },
    ...overrides,
  };
}

/** The standard labels governance requires on every resource. */
export const labels = { owner: 'edge', costCenter: 'cc-9', environment: 'prod' };

/** Every resource of a type across all stacks. */
export const all = (out: Record<string, Synth>, type: string) => Object.values(out).flatMap((s) => s.resources(type));

/** The sites whose inference workload a stack holds, sorted. */
export const sitesIn = (stack: Synth) => [...stack.resources('kubernetes_deployment_v1'), ...stack.resources('kubernetes_daemon_set_v1')]
  .filter((d) => d.metadata.name === 'defects').map((d) => d.metadata.labels['ml-platform.io/site']).sort();
