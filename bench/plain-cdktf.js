#!/usr/bin/env node
/**
 * The plain-cdktf baseline for `synth.plain-cdktf`: the same resources as the reference platform
 * (examples/hybrid-platform), declared directly with the prebuilt provider classes — no library, no
 * validation, no governance, cdktf's stock synthesis path.
 *
 *   node bench/plain-cdktf.js <reference cdktf.out> <outdir>
 *
 * It reads the reference's synthesized stacks and, per stack, creates each provider, resource and data source
 * with its provider class (deep import, by type: aws_eks_node_group -> @cdktf/provider-aws/lib/eks-node-group),
 * keeps its logical id, and sets its attributes as written (overrides), plus the stack's outputs and remote
 * state. The class constructors and tokens are the cost a hand-written cdktf program pays.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { App, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack } = require('cdktf');

const [referenceOut, outdir] = process.argv.slice(2);
const PACKAGES = { aws: '@cdktf/provider-aws', google: '@cdktf/provider-google', kubernetes: '@cdktf/provider-kubernetes' };
const classCache = new Map();

/** The provider class for a resource or data source type, by deep import. */
function classFor(type, kind) {
  const key = `${kind}:${type}`;
  if (classCache.has(key)) return classCache.get(key);
  const provider = type.split('_')[0];
  const pkg = PACKAGES[provider];
  if (!pkg) {
    // Providers without a prebuilt binding (helm, http): the generic element, as the library's own L1s do.
    const Base = kind === 'data' ? TerraformDataSource : TerraformResource;
    const cls = class extends Base {
      constructor(scope, id) { super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: provider } }); }
    };
    classCache.set(key, cls);
    return cls;
  }
  // Resources drop the provider prefix (aws_eks_cluster -> eks-cluster); data sources keep it (data-aws-region).
  const folder = (kind === 'data' ? `data-${type}` : type.slice(provider.length + 1)).replace(/_/g, '-');
  const mod = require(`${pkg}/lib/${folder}`);
  const cls = Object.values(mod).find((c) => typeof c === 'function' && c.tfResourceType === type);
  if (!cls) throw new Error(`no class for ${type} in ${pkg}/lib/${folder}`);
  classCache.set(key, cls);
  return cls;
}

function providerClass(name) {
  if (!PACKAGES[name]) {
    return class extends TerraformProvider {
      constructor(scope, id, config) { super(scope, id, { terraformResourceType: name, terraformGeneratorMetadata: { providerName: name } }); this.alias = config.alias; }
    };
  }
  return require(`${PACKAGES[name]}/lib/provider`)[`${name[0].toUpperCase()}${name.slice(1)}Provider`];
}

/** Sets every attribute as written; `//` metadata is cdktf's own and is left out. */
function apply(construct, attributes) {
  for (const [k, v] of Object.entries(attributes)) if (k !== '//') construct.addOverride(k, v);
}

const manifest = JSON.parse(fs.readFileSync(path.join(referenceOut, 'manifest.json'), 'utf8'));
const app = new App({ outdir, stackTraces: false });
for (const [name, meta] of Object.entries(manifest.stacks)) {
  const json = JSON.parse(fs.readFileSync(path.join(referenceOut, meta.synthesizedStackPath), 'utf8'));
  const stack = new TerraformStack(app, name);
  for (const [provider, configs] of Object.entries(json.provider ?? {})) {
    configs.forEach((config, i) => {
      const p = new (providerClass(provider))(stack, `${provider}-${i}`, { alias: config.alias });
      apply(p, config);
    });
  }
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    const Cls = classFor(type, 'resource');
    for (const [logicalId, attributes] of Object.entries(byName)) {
      const r = new Cls(stack, logicalId, {});
      r.overrideLogicalId(logicalId);
      apply(r, attributes);
    }
  }
  for (const [type, byName] of Object.entries(json.data ?? {})) {
    if (type === 'terraform_remote_state') {
      stack.addOverride(`data.${type}`, byName);
      continue;
    }
    const Cls = classFor(type, 'data');
    for (const [logicalId, attributes] of Object.entries(byName)) {
      const d = new Cls(stack, logicalId, {});
      d.overrideLogicalId(logicalId);
      apply(d, attributes);
    }
  }
  if (json.output) stack.addOverride('output', json.output);
}
app.synth();
