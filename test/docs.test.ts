import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const root = join(__dirname, '..');
/** The documentation users read: the README, every page of docs/, the benchmark's README. */
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'bench/README.md'];

/** Markdown without fenced code blocks and inline code, where `[x](y)` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Every relative link target of a page: [text](target), images included; web and mail links are not relative. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The links of `text` (the content of `page`) whose file, or heading in it, does not exist. */
function brokenLinks(page: string, text: string): string[] {
  return relativeLinks(text).filter((target) => {
    const [path, anchor] = target.split('#');
    if (path === '') return !anchors(text).has(anchor);
    const file = resolve(root, dirname(page), decodeURI(path));
    if (!existsSync(file)) return true;
    if (anchor === undefined) return false;
    return !(statSync(file).isFile() && file.endsWith('.md') && anchors(readFileSync(file, 'utf8')).has(anchor));
  });
}

describe('documentation', () => {
  test.each(pages)('every relative link in %s points at a file (and heading) that exists', (page) => {
    expect(brokenLinks(page, readFileSync(join(root, page), 'utf8'))).toEqual([]);
  });

  test('the link checker finds links, resolves them per page and catches broken ones', () => {
    expect(relativeLinks('[a](docs/x.md) [b](https://example.com) `[c](no.md)` ![d](img.png) [e](#top)')).toEqual(['docs/x.md', 'img.png', '#top']);
    expect(anchors('# Top\n## Platform contracts: the wires, checked before apply\n## Top')).toEqual(new Set(['top', 'platform-contracts-the-wires-checked-before-apply', 'top-1']));
    // From docs/, a link is resolved against docs/: `../README.md` exists, `README.md` does not.
    const page = '# Here\n[ok](../README.md) [up](platform.md#deploying) [self](#here) [gone](README.md) [no-heading](platform.md#nowhere) [no-self](#there)';
    expect(brokenLinks('docs/example.md', page)).toEqual(['README.md', 'platform.md#nowhere', '#there']);
    expect(pages.flatMap((p) => relativeLinks(readFileSync(join(root, p), 'utf8'))).length).toBeGreaterThan(30);
  });

  test('every page of docs/ is reachable from the README', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const page = queue.shift()!;
      for (const target of relativeLinks(readFileSync(join(root, page), 'utf8'))) {
        const path = target.split('#')[0];
        if (!path.endsWith('.md')) continue;
        const linked = relative(root, resolve(root, dirname(page), path));
        if (!reached.has(linked) && existsSync(join(root, linked))) {
          reached.add(linked);
          queue.push(linked);
        }
      }
    }
    expect(pages.filter((p) => !reached.has(p))).toEqual([]);
  });

  test('the README stays a front page: at most 20 KB, details in docs/', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(20 * 1024);
  });
});
