import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Egress guard: partner URLs are user input, so a delivery must never reach our own network
 * (databases, cloud metadata at 169.254.169.254, admin ports on loopback…).
 * Fails closed: only public unicast addresses are allowed, unless an operator allow-lists CIDRs
 * for local testing (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`, refused in production).
 */

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to all its addresses; injectable so tests need no DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const defaultResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export class EgressDeniedError extends Error {
  override readonly name = 'EgressDeniedError';
}

/** "127.0.0.0/8,::1/128" → CIDRs. Empty or unset → none. A malformed entry throws (fail at startup). */
export function parseAllowList(cidrList: string | undefined): Cidr[] {
  if (!cidrList) return [];
  return cidrList
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      try {
        return ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`invalid CIDR in webhook egress allow-list: "${entry}"`);
      }
    });
}

/** An allow-list opens the private network to user-supplied URLs: acceptable in tests only. */
export function assertSafeForProduction(
  nodeEnv: string | undefined,
  allowList: string | readonly Cidr[] | undefined,
): void {
  const cidrs =
    typeof allowList === 'string' || allowList === undefined ? parseAllowList(allowList) : allowList;
  if (nodeEnv === 'production' && cidrs.length > 0) {
    throw new Error('WEBHOOK_ALLOW_PRIVATE_NETWORKS must not be set in production');
  }
}

// Canonical textual IPs only (what dns.lookup returns and the WHATWG URL parser produces):
// odd forms like "0x7f.1" are refused instead of trusting two parsers to agree on them.
function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (isIP(ip) === 0) return null;
  // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1), which connects to the IPv4 address.
  return ipaddr.process(ip);
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

export interface EgressPolicyOptions {
  allowList?: readonly Cidr[];
  resolver?: Resolver;
}

/** The result of checking a URL: the parsed URL and the addresses that were checked. */
export interface CheckedDestination {
  url: URL;
  /** Hostname without IPv6 brackets. */
  host: string;
  /** Every address the host resolved to (or the literal IP); all passed the policy. */
  addresses: ResolvedAddress[];
}

export class EgressPolicy {
  readonly allowList: readonly Cidr[];
  readonly resolver: Resolver;

  constructor({ allowList = [], resolver = defaultResolver }: EgressPolicyOptions = {}) {
    this.allowList = allowList;
    this.resolver = resolver;
  }

  /** From `WEBHOOK_ALLOW_PRIVATE_NETWORKS`, refusing it when NODE_ENV=production. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): EgressPolicy {
    const allowList = parseAllowList(env.WEBHOOK_ALLOW_PRIVATE_NETWORKS);
    assertSafeForProduction(env.NODE_ENV, allowList);
    return new EgressPolicy({ allowList });
  }

  /** Inside an operator-configured CIDR (the only way to reach a non-public address). */
  isInAllowList(ip: string): boolean {
    const addr = parseIp(ip);
    return addr !== null && this.allowList.some((cidr) => addr.kind() === cidr[0].kind() && addr.match(cidr));
  }

  isAddressAllowed(ip: string): boolean {
    const addr = parseIp(ip);
    if (addr === null) return false;
    if (this.isInAllowList(ip)) return true;
    if (addr.range() !== 'unicast') return false;
    // ipaddr.js calls every unlisted IPv6 address "unicast" (even ::2 or 64:ff9b:1::1), so also
    // require the global unicast block, the only IPv6 space routed on the Internet.
    return addr.kind() === 'ipv4' || addr.match(GLOBAL_UNICAST_V6);
  }

  /**
   * Parses and checks a webhook URL, resolving its host once. Used at registration (to refuse a
   * bad URL early) and by deliverWebhook on every send (DNS can change after registration).
   * Throws EgressDeniedError.
   */
  async checkUrl(rawUrl: string): Promise<CheckedDestination> {
    let url: URL;
    try {
      // WHATWG parsing normalises hosts such as "2130706433" or "0x7f.1" to 127.0.0.1.
      url = new URL(rawUrl);
    } catch {
      throw new EgressDeniedError('invalid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new EgressDeniedError(`unsupported scheme ${url.protocol}`);
    }
    // Credentials in URLs end up in logs, and "https://trusted@evil" misleads whoever reads it.
    if (url.username || url.password) throw new EgressDeniedError('URL must not contain credentials');

    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: ResolvedAddress[];
    if (isIP(host) !== 0) {
      // Literal IPs never go through a lookup (undici skips it too), so they are checked here.
      addresses = [{ address: host, family: isIP(host) }];
    } else {
      try {
        addresses = await this.resolver(host);
      } catch (err) {
        throw new EgressDeniedError(
          `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
      }
      if (addresses.length === 0) throw new EgressDeniedError(`cannot resolve ${host}`);
    }

    // Every address must pass, not just one: the client may pick any of them.
    const denied = addresses.find((a) => !this.isAddressAllowed(a.address));
    if (denied) throw new EgressDeniedError(`destination address not allowed: ${host} -> ${denied.address}`);

    // Plain http is only for the allow-listed test networks; partners on the Internet use https.
    if (url.protocol === 'http:' && !addresses.every((a) => this.isInAllowList(a.address))) {
      throw new EgressDeniedError('https is required');
    }
    return { url, host, addresses };
  }

  /** Registration-time check: resolves to the normalised URL or throws EgressDeniedError. */
  async assertUrlAllowed(rawUrl: string): Promise<URL> {
    return (await this.checkUrl(rawUrl)).url;
  }
}
