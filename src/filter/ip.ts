import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** `--source-ip 203.0.113.7` or `--source-ip 10.0.0.0/8` (IPv4 or IPv6). */
export function ipMatcher(spec: string): (value: string) => boolean {
  const slash = spec.indexOf('/');
  const addr = slash >= 0 ? spec.slice(0, slash) : spec;
  const family = isIP(addr);
  if (family === 0) throw new UsageError(`--source-ip ${spec}: not an IP address or CIDR block`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) {
    const canonical = new BlockList();
    canonical.addAddress(addr, type);
    return (v) => isIP(v) === family && canonical.check(v, type);
  }
  const bits = Number(spec.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
    throw new UsageError(`--source-ip ${spec}: bad prefix length`);
  }
  const list = new BlockList();
  list.addSubnet(addr, bits, type);
  return (v) => isIP(v) === family && list.check(v, type);
}

/** Pre-filter needle for an IP filter: the fixed leading octets of an IPv4 block, quoted at the start. */
export function ipNeedle(spec: string): string | undefined {
  const [addr, bitsText] = spec.split('/');
  if (isIP(addr ?? '') !== 4) return undefined;
  if (bitsText === undefined) return `"${addr}"`;
  const octets = Math.floor(Number(bitsText) / 8);
  if (octets === 0) return undefined;
  if (octets >= 4) return `"${addr}"`;
  return '"' + addr!.split('.').slice(0, octets).join('.') + '.';
}
