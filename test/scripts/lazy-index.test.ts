import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// scripts/lazy-index.js rewrites tsc's CommonJS entry so modules load on first use: check it on a small entry
// written exactly as tsc writes one.
test('the package entry requires a module only when one of its exports is first read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-index-'));
  try {
    writeFileSync(join(dir, 'a.js'), "global.loaded = (global.loaded || []).concat('a'); exports.A = 1; exports.shared = 'a';");
    writeFileSync(join(dir, 'b.js'), "global.loaded = (global.loaded || []).concat('b'); exports.B = 2; exports.shared = 'b';");
    writeFileSync(join(dir, 'c.js'), "global.loaded = (global.loaded || []).concat('c'); exports.C = 3;");
    writeFileSync(join(dir, 'index.js'), [
      '"use strict";',
      'var __exportStar = function (m, exports) { for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) exports[p] = m[p]; };',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      'exports.C = void 0;',
      '__exportStar(require("./a"), exports);',
      '__exportStar(require("./b"), exports);',
      'var c_1 = require("./c");',
      'Object.defineProperty(exports, "C", { enumerable: true, get: function () { return c_1.C; } });',
    ].join('\n'));
    const rewrite = spawnSync(process.execPath, [join(__dirname, '../../scripts/lazy-index.js'), join(dir, 'index.js')], { encoding: 'utf8' });
    // Its message goes to stderr: `npm run build` runs it, and piped output (`--format json`) must stay clean.
    expect([rewrite.status, rewrite.stdout]).toEqual([0, '']);
    expect(rewrite.stderr).toMatch(/^lazy-index: .*2 export-star and 1 named re-export modules/);
    const probe = `global.loaded = []; const m = require(${JSON.stringify(join(dir, 'index.js'))});
      const seen = []; seen.push(String(global.loaded));
      seen.push(m.B, String(global.loaded)); seen.push(m.shared, m.C, String(global.loaded)); console.log(JSON.stringify(seen));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }));
    // Nothing loads at require time; reading B loads only b; `shared` keeps export-star's first-wins rule.
    expect(out).toEqual(['', 2, 'b', 'a', 3, 'b,a,c']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
