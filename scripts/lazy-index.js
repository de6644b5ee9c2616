#!/usr/bin/env node
/**
 * Makes the compiled package entry lazy: each module it re-exports is required the first time one of its
 * exports is read, so `require('cdktf-ml-platform')` costs about what `require('cdktf')` does, and an app that
 * only targets AWS never loads the Google bindings. Types are untouched (index.d.ts is tsc's own).
 *
 *   node scripts/lazy-index.js dist/index.js      (run by `npm run build`)
 *
 * It rewrites tsc's CommonJS output of lib/index.ts: `__exportStar(require("./m"), exports)` becomes one
 * getter per export name of ./m (names listed by loading the module once, here, at build time), and
 * `var m_1 = require("./m")` (named re-exports) becomes a lazily-required module. `core/fast-synthesis` stays
 * eager: loading it turns the fast synthesis path on.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.resolve(process.argv[2] || 'dist/index.js');
const dir = path.dirname(file);
const EAGER = new Set(['./core/fast-synthesis']);
let src = fs.readFileSync(file, 'utf8');

// A module that needs an optional provider package the app did not install (a Google-only app has no
// @cdktf/provider-aws) fails to load with one clear error naming the export, the package and the install command.
const helper = `
function __lazyRequire(id, k) {
    try { return require(id); }
    catch (e) { throw require("./core/private/optional-provider").missingProviderError(e, "cdktf-ml-platform: " + String(k)) || e; }
}
function __lazyModule(id) {
    var cached;
    var load = function (k) { return cached || (cached = __lazyRequire(id, k)); };
    return new Proxy({}, { get: function (_t, k) { return load(k)[k]; }, has: function (_t, k) { return k in load(k); } });
}
function __lazyExport(exports, id, names) {
    var cached;
    var load = function (k) { return cached || (cached = __lazyRequire(id, k)); };
    names.forEach(function (k) {
        if (!Object.prototype.hasOwnProperty.call(exports, k)) {
            Object.defineProperty(exports, k, { enumerable: true, configurable: true, get: function () { return load(k)[k]; } });
        }
    });
}
`;

let stars = 0;
let named = 0;
src = src.replace(/__exportStar\(require\("(\.[^"]+)"\), exports\);/g, (whole, id) => {
  if (EAGER.has(id)) return whole;
  const names = Object.keys(require(path.join(dir, id))).filter((k) => k !== 'default' && k !== '__esModule');
  stars++;
  return `__lazyExport(exports, ${JSON.stringify(id)}, ${JSON.stringify(names)});`;
});
src = src.replace(/var (\w+) = require\("(\.[^"]+)"\);/g, (whole, v, id) => {
  if (EAGER.has(id)) return whole;
  named++;
  return `var ${v} = __lazyModule(${JSON.stringify(id)});`;
});
src = src.replace('Object.defineProperty(exports, "__esModule", { value: true });', `Object.defineProperty(exports, "__esModule", { value: true });${helper}`);
fs.writeFileSync(file, src);
// stderr: `npm run review -- … --format json > x.json` rebuilds first, and its stdout must stay the report alone.
process.stderr.write(`lazy-index: ${path.relative(process.cwd(), file)}: ${stars} export-star and ${named} named re-export modules now load on first use\n`);
