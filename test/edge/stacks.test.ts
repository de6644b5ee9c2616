/**
 * Issue 11, part 1: the blast radius of an offline site is its stack. Stacks hold about `sitesPerStack` sites,
 * never mix rings, and are named `<fleet>-<ring>-<n>` so each ring deploys on its own, one after the other.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { EdgeFleet, EdgeFleetProps } from '../../lib/edge/fleet';
import { rendezvousShard } from '../../lib/edge/private/sharding';
import { errorOf, synthApp } from '../util';
import { all, fleetProps, sites, sitesIn } from './fixtures';

/** The fleet's constructs only (no synthesis): enough to see where sites land. */
function build(overrides: Partial<EdgeFleetProps>): EdgeFleet {
  return new EdgeFleet(new App(), 'edge', fleetProps(overrides));
}

/** As `cdktf deploy '<pattern>'` selects stacks (minimatch; stack names hold no `/`). */
const matching = (names: string[], pattern: string) =>
  names.filter((n) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(n));

const ringOf = (i: number) => (i < 3 ? 'canary' : i < 15 ? 'early' : 'broad');

describe('EdgeFleet stacks: one ring per stack, about sitesPerStack sites each', () => {
  let fleet!: EdgeFleet;
  const out = synthApp((app) => { fleet = new EdgeFleet(app, 'edge', fleetProps({ sites: sites(60, ringOf) })); });

  test('each ring gets its own stacks, named <fleet>-<ring>-<n>, ten sites per stack by default', () => {
    // 3 canary sites, 12 early, 45 broad: ceil(n / 10) stacks each.
    expect(Object.keys(out).sort()).toEqual([
      'edge-broad-0', 'edge-broad-1', 'edge-broad-2', 'edge-broad-3', 'edge-broad-4', 'edge-canary-0', 'edge-early-0', 'edge-early-1',
    ]);
    expect(fleet.stacks.map((s) => s.node.id)).toEqual([
      'edge-canary-0', 'edge-early-0', 'edge-early-1', 'edge-broad-0', 'edge-broad-1', 'edge-broad-2', 'edge-broad-3', 'edge-broad-4',
    ]);
  });

  test('no stack mixes rings, and every site is in exactly one stack', () => {
    for (const [name, stack] of Object.entries(out)) {
      const ring = name.split('-')[1];
      const rings = stack.resources('kubernetes_deployment_v1').filter((d) => d.metadata.name === 'defects').map((d) => d.metadata.labels['ml-platform.io/ring']);
      expect([name, [...new Set(rings)]]).toEqual([name, [ring]]);
    }
    const placed = Object.values(out).flatMap(sitesIn);
    expect(placed.sort()).toEqual(sites(60).map((s) => s.name).sort());
    // Each site's own provider (its kubeconfig context) sits in the site's stack.
    for (const site of ['clinic-0000', 'clinic-0020']) {
      const contexts = out[fleet.stackOf(site).node.id].json.provider.kubernetes.map((p: any) => p.config_context);
      expect(contexts).toContain(site);
    }
  });

  test('stacksOfRing lists what `cdktf deploy \'<fleet>-<ring>-*\'` deploys, ring by ring', () => {
    const names = Object.keys(out);
    for (const ring of ['canary', 'early', 'broad']) {
      expect(matching(names, `edge-${ring}-*`).sort()).toEqual(fleet.stacksOfRing(ring).map((s) => s.node.id).sort());
    }
    expect(fleet.stacksOfRing('early').map((s) => s.node.id)).toEqual(['edge-early-0', 'edge-early-1']);
    expect(() => fleet.stacksOfRing('beta')).toThrow('edge: stacksOfRing("beta"): no such ring; the rings are canary, early, broad');
  });

  test('stacks average sitesPerStack; hashing varies single stacks by a few sites', () => {
    const broad = fleet.stacksOfRing('broad').map((s) => sitesIn(out[s.node.id]).length);
    expect(broad.reduce((a, b) => a + b, 0)).toBe(45);
    for (const n of broad) {
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(16);
    }
  });

  test('promoting a ring changes only that ring\'s stacks', () => {
    const promoted = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({
      sites: sites(60, ringOf),
      rings: [{ name: 'canary', modelVersion: '12' }, { name: 'early', modelVersion: '12' }, { name: 'broad', modelVersion: '12' }],
    })));
    const changed = Object.keys(out).filter((name) => promoted[name].text !== out[name].text).sort();
    expect(changed).toEqual(['edge-canary-0']);
  });
});

test('`cdktf deploy \'<fleet>-*\'` applies the rings in order: each stack depends on the stacks of the ring before it', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'edge-manifest-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    // early has no sites: broad follows canary directly.
    new EdgeFleet(app, 'edge', fleetProps({ sites: sites(25, (i) => (i < 12 ? 'canary' : 'broad')) }));
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const dependencies = Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]: [string, any]) => [name, [...s.dependencies].sort()]));
    expect(dependencies).toEqual({
      'edge-canary-0': [], 'edge-canary-1': [],
      'edge-broad-0': ['edge-canary-0', 'edge-canary-1'], 'edge-broad-1': ['edge-canary-0', 'edge-canary-1'],
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

describe('EdgeFleet stacks: the blast radius is the user\'s choice', () => {
  test('sitesPerStack sets how many stacks a ring gets', () => {
    expect(build({ sites: sites(100), sitesPerStack: 25 }).stacksOfRing('broad')).toHaveLength(4);
    expect(build({ sites: sites(100), sitesPerStack: 1 }).stacksOfRing('broad')).toHaveLength(100);
    expect(build({ sites: sites(100) }).stacksOfRing('broad')).toHaveLength(10);
  });

  test('a ring can fix its stack count (a large ring that should not re-shard as it grows)', () => {
    const fleet = build({ sites: sites(50), rings: [{ name: 'broad', modelVersion: '12', stacks: 2 }] });
    expect(fleet.stacks.map((s) => s.node.id)).toEqual(['edge-broad-0', 'edge-broad-1']);
  });

  test('a ring without sites has no stacks', () => {
    const fleet = build({ sites: sites(4, (i) => (i === 0 ? 'canary' : 'broad')) });
    expect(fleet.stacksOfRing('early')).toEqual([]);
    expect(fleet.stacks.map((s) => s.node.id)).toEqual(['edge-canary-0', 'edge-broad-0']);
  });

  test('adding or removing a site moves no other site while the ring keeps its stack count', () => {
    const before = build({ sites: sites(35) }).shardOf;
    const added = build({ sites: sites(36) }).shardOf;
    const removed = build({ sites: sites(35).filter((s) => s.name !== 'clinic-0007') }).shardOf;
    for (const [site, shard] of Object.entries(before)) {
      expect([site, added[site]]).toEqual([site, shard]);
      if (site !== 'clinic-0007') expect([site, removed[site]]).toEqual([site, shard]);
    }
  });

  test('when a ring grows a stack, only the sites the new stack wins move, and only into it', () => {
    const before = build({ sites: sites(40) }).shardOf; // 4 stacks
    const after = build({ sites: sites(41) }).shardOf; // 5 stacks
    const moved = Object.keys(before).filter((s) => before[s] !== after[s]);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((s) => after[s] === 4)).toBe(true);
    expect(moved.every((s) => rendezvousShard('defects', s, 5) === 4)).toBe(true);
  });

  test('a site\'s resource addresses do not depend on its stack, so a state move keeps them', () => {
    const keys = (overrides: Partial<EdgeFleetProps>, site: string) => {
      const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps(overrides)));
      return Object.values(out).flatMap((s) => Object.keys(s.json.resource?.kubernetes_deployment_v1 ?? {})).filter((k) => k.startsWith(`${site}_`));
    };
    const one = keys({ sites: [{ name: 'hq', ring: 'broad', shard: 0 }], rings: [{ name: 'broad', modelVersion: '12', stacks: 2 }] }, 'hq');
    const other = keys({ sites: [{ name: 'hq', ring: 'canary', shard: 1 }], rings: [{ name: 'canary', modelVersion: '12', stacks: 2 }] }, 'hq');
    expect(one).toHaveLength(1);
    expect(other).toEqual(one);
  });
});

describe('EdgeFleet stacks: bad input fails with one clear error', () => {
  test('the removed shards prop says what replaced it', () => {
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', { ...fleetProps(), shards: 8 } as unknown as EdgeFleetProps)))
      .toBe('test/edge: shards (8) was replaced: stacks never mix rings now (`<fleet>-<ring>-<n>`); set sitesPerStack, or a fixed count per ring with rings[i].stacks');
  });

  test('a ring whose name extends another ring\'s would be deployed with it', () => {
    const rings = [{ name: 'early', modelVersion: '12' }, { name: 'early-eu', modelVersion: '12' }];
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps({ rings, sites: [{ name: 'a', ring: 'early' }] }))))
      .toBe('test/edge: rings[1].name ("early-eu") starts with ring "early" and a dash, so the stack pattern \'<fleet>-early-*\' would deploy ' +
        'this ring\'s stacks too; rename one of the rings (e.g. "earlyeu")');
  });

  test.each<[string, Partial<EdgeFleetProps>, RegExp]>([
    ['no sites per stack', { sitesPerStack: 0 }, /sitesPerStack \(0\) must be a whole number from 1 to 10000/],
    ['a ring with zero stacks', { rings: [{ name: 'broad', modelVersion: '12', stacks: 0 }], sites: [{ name: 'a', ring: 'broad' }] }, /rings\[0\]\.stacks \(0\) must be a whole number/],
  ])('%s', (_what, overrides, message) => {
    expect(errorOf((scope) => new EdgeFleet(scope, 'edge', fleetProps(overrides)))).toMatch(message);
  });
});

test('every stack of a large fleet carries only its own sites\' providers', () => {
  const out = synthApp((app) => new EdgeFleet(app, 'edge', fleetProps({ sites: sites(24, (i) => (i < 4 ? 'canary' : 'broad')) })));
  for (const stack of Object.values(out)) {
    const contexts = stack.json.provider.kubernetes.map((p: any) => p.config_context).sort();
    expect(contexts).toEqual(sitesIn(stack));
  }
  expect(all(out, 'kubernetes_namespace_v1')).toHaveLength(24);
});
