// Preloaded into every bench child (`node -r bench/rss-probe.js ...`). On exit it writes the child's own
// peak RSS (process.resourceUsage().maxRSS, KiB) to the file named by BENCH_PROBE_FILE, so the parent can
// read it without parsing the child's stdout. Works for normal exit and for process.exit().
'use strict';
const fs = require('fs');

const probeFile = process.env.BENCH_PROBE_FILE;
if (probeFile) {
  process.on('exit', (code) => {
    try {
      fs.writeFileSync(probeFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, code }));
    } catch {
      // nothing useful to do in an exit handler
    }
  });
}
