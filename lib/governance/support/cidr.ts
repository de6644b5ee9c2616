/**
 * CIDR arithmetic for "open to the internet" checks: a set of ranges is public when together they
 * cover all of IPv4 (0.0.0.0/0, or 0.0.0.0/1 + 128.0.0.0/1, ...) or all of IPv6 (::/0, ::/1 + 8000::/1).
 */

interface Range {
  readonly start: bigint;
  readonly end: bigint;
}

function ipv4(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function ipv6(address: string): bigint | undefined {
  let text = address;
  let tail: bigint[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4).
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4(dotted[2]);
    if (v4 === undefined) return undefined;
    text = `${dotted[1]}0:0`;
    tail = [v4 >> 16n, v4 & 0xffffn];
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tail.length) value = (value >> 32n << 32n) | (tail[0] << 16n) | tail[1];
  return value;
}

/** The range a CIDR (or a bare address) covers, in its family; undefined when it does not parse. */
export function cidrRange(cidr: string): { family: 4 | 6; range: Range } | undefined {
  const [address, prefixText, extra] = cidr.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = address.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? ipv4(address) : ipv6(address);
  if (value === undefined) return undefined;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const start = (value / size) * size; // host bits set below the prefix do not narrow the range
  return { family, range: { start, end: start + size - 1n } };
}

function covers(ranges: Range[], last: bigint): boolean {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = 0n;
  for (const r of sorted) {
    if (r.start > next) return false;
    if (r.end + 1n > next) next = r.end + 1n;
    if (next > last) return true;
  }
  return next > last;
}

/** Whether the CIDRs together cover every IPv4 or every IPv6 address (IPv4-mapped IPv6 ranges count as IPv4). */
export function coversWholeInternet(cidrs: readonly string[]): boolean {
  const v4: Range[] = [];
  const v6: Range[] = [];
  const mapped = cidrRange('::ffff:0:0/96')!.range;
  for (const cidr of cidrs) {
    const parsed = cidrRange(cidr);
    if (!parsed) continue;
    if (parsed.family === 4) {
      v4.push(parsed.range);
    } else {
      v6.push(parsed.range);
      const { start, end } = parsed.range;
      if (start <= mapped.end && end >= mapped.start) {
        const from = start > mapped.start ? start : mapped.start;
        const to = end < mapped.end ? end : mapped.end;
        v4.push({ start: from - mapped.start, end: to - mapped.start });
      }
    }
  }
  return covers(v4, (1n << 32n) - 1n) || covers(v6, (1n << 128n) - 1n);
}
