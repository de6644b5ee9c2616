/** A generated edge fleet of N sites (argv[2]) written to argv[3]; measured by bench/run.js as synth.edge-N. */
import { App } from 'cdktf';
// Imported as users do, through the package entry (which turns the fast synthesis path on).
import { Architecture, EdgeFleet, StaticModelSource } from '../lib';
const n = Number(process.argv[2] ?? 100);
const digest = (x: string) => `registry.example.com/${x}@sha256:${'a'.repeat(64)}`;
const app = new App({ outdir: process.argv[3] ?? '/tmp/edge-out', stackTraces: false });
new EdgeFleet(app, 'edge', {
  fleetName: 'defects', model: { source: new StaticModelSource('r', 's3://m', { d: ['1', '2'] }), name: 'd' },
  rings: [{ name: 'canary', modelVersion: '2' }, { name: 'broad', modelVersion: '1' }],
  sites: Array.from({ length: n }, (_, i) => ({ name: `s-${i}`, ring: i < n / 10 ? 'canary' : 'broad', architecture: i % 2 ? Architecture.ARM64 : Architecture.AMD64 })),
  image: digest('m'), modelFetcher: { image: digest('cli'), credentialsSecret: 'c' },
  metrics: { remoteWriteUrl: 'https://central/api/v1/write', password: { name: 'rw', key: 'password' } },
});
app.synth();
