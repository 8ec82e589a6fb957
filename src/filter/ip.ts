import { UsageError } from '../errors.js';

/**
 * The one IPv4/IPv6 parser and CIDR test, shared by `--source-ip`, the EventBridge `cidr` operator and Sigma's
 * `|cidr`, so a rule and a flag always agree on an address.
 *
 * An IPv4 octet with leading zeros (`010.020.001.015`) is read as decimal, i.e. 10.20.1.15. CloudTrail itself
 * never writes such addresses; they appear in anonymised or re-formatted exports, which pad for alignment. The
 * octal reading of BSD `inet_aton` would send such an address to an unrelated network, and refusing it (as
 * Node's `net.isIP` does) would silently hide the event from a `10.0.0.0/8` question.
 */

export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefixLength: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Decimal only: leading-zero octets (seen in anonymised logs) are read as decimal, never octal.
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!text.includes(':')) return undefined;
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** Parses `a.b.c.d/n` or `x::y/n`; a bare address is a /32 or /128. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  let prefixLength = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return undefined;
    prefixLength = Number(p);
  }
  const mask = prefixLength === 0 ? 0n : ((1n << BigInt(prefixLength)) - 1n) << BigInt(bits - prefixLength);
  return { family: ip.family, network: ip.value & mask, prefixLength };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (!ip || ip.family !== cidr.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  const shift = BigInt(bits - cidr.prefixLength);
  return ip.value >> shift === cidr.network >> shift;
}

/** `--source-ip 203.0.113.7` or `--source-ip 10.0.0.0/8` (IPv4 or IPv6). */
export function ipMatcher(spec: string): (value: string) => boolean {
  const slash = spec.indexOf('/');
  if (!parseIp(slash >= 0 ? spec.slice(0, slash) : spec)) throw new UsageError(`--source-ip ${spec}: not an IP address or CIDR block`);
  const cidr = parseCidr(spec);
  if (!cidr) throw new UsageError(`--source-ip ${spec}: bad prefix length`);
  return (v) => cidrContains(cidr, v);
}

/** Every spelling of an octet that padding can give it: 10 → `10`, `010`. */
function octetSpellings(n: number): string[] {
  const out = [String(n)];
  while (out[out.length - 1]!.length < 3) out.push(`0${out[out.length - 1]!}`);
  return out;
}

/**
 * Pre-filter needles for one IP filter, as groups that must all be present (an AND of ORs): each octet the
 * block fixes, in every spelling padding can give it, with the separators around it (`"10.`, `.020.`, `.15"`),
 * since padded octets are matched too. Empty when the block fixes no whole octet, or for IPv6.
 */
export function ipNeedleGroups(spec: string): string[][] {
  const cidr = parseCidr(spec);
  if (!cidr || cidr.family !== 4) return [];
  const fixed = Math.floor(cidr.prefixLength / 8);
  const groups: string[][] = [];
  for (let i = 0; i < fixed; i++) {
    const octet = Number((cidr.network >> BigInt(24 - 8 * i)) & 0xffn);
    const before = i === 0 ? '"' : '.';
    const after = i === 3 ? '"' : '.';
    groups.push(octetSpellings(octet).map((t) => `${before}${t}${after}`));
  }
  return groups;
}

/** Needles for several IP filters, any of which may match: one group, the first octets of all, or none. */
export function anyIpNeedles(specs: readonly string[]): string[][] {
  if (specs.length === 1) return ipNeedleGroups(specs[0]!);
  const firsts = specs.map((s) => ipNeedleGroups(s)[0]);
  return firsts.every((g): g is string[] => g !== undefined) ? [firsts.flat()] : [];
}
