import type { SourcedEvent } from '../cloudtrail/event.js';
import { globalEndpointRegion, parseArn } from '../cloudtrail/arn.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import type { Origin } from './attribution.js';
import type { CredentialIndex } from './credentials.js';

/**
 * Where the evidence behind an incomplete chain can lie, as the chain itself names it. The scope flags of
 * a forensics command choose the actions; the issuing events behind them are read from wherever the
 * missing link points (an account's us-east-1 folder for STS's global endpoint, the caller's account
 * for the other copy of a cross-account call), and nowhere else.
 */
export interface Place {
  account: string;
  region: string;
}

/** Folders to read for one missing link, and the span of time its issuing event can lie in. */
export interface EvidenceNeed {
  places: Place[];
  /** Epoch ms: the earliest and latest time the missing issuing call can have. */
  fromMs: number;
  toMs: number;
}

/** What a forensics engine asks of its sources while it completes chains. */
export interface EvidenceReader {
  /**
   * The issuing events in the needs' places and windows that no earlier pass read, or undefined when every
   * one of them was read already or no source can be read by place (then nothing more can be learnt).
   */
  read(needs: readonly EvidenceNeed[]): AsyncIterable<SourcedEvent> | undefined;
  /** In words, for a chain that stays incomplete: which of the need's folders were read, where, and when. */
  searched(need: EvidenceNeed): string | undefined;
}

/** Passes after the main scan: one per hop of a chain at most, since each pass can only name the next hop. */
export const MAX_EVIDENCE_PASSES = 6;

/** An action whose origin is being completed: who acted, when and where. */
export interface ChainUse {
  timeMs: number;
  region?: string;
}

export function useAt(timeMs: number, region: string | undefined): ChainUse {
  return region ? { timeMs, region } : { timeMs };
}

/**
 * The folders an incomplete origin names, or undefined when the missing piece is not an issuing event
 * (an ambiguous key, a loop, an identity type that cannot be followed).
 */
export function needOf(origin: Origin, use: ChainUse, index: CredentialIndex): EvidenceNeed | undefined {
  if (origin.complete || !origin.reached) return undefined;
  const first = origin.chain[0];
  // The link that is missing sits just before the oldest hop found so far (or the action itself).
  const issued = first ? index.issuancesOf(first.accessKeyId).find((c) => c.eventID === first.eventID) : undefined;
  const atMs = first ? (eventTimeMs(first.eventTime) ?? use.timeMs) : use.timeMs;
  const region = first ? issued?.awsRegion : use.region;
  // A record without a readable time names no span of folders.
  if (!Number.isFinite(atMs) || atMs <= 0) return undefined;
  const reached = origin.reached;
  switch (reached.type) {
    case 'AssumedRole':
    case 'FederatedUser': {
      if (!reached.accessKeyId) return undefined;
      const account = reached.account ?? parseArn(reached.arn ?? '')?.account;
      if (!account) return undefined;
      // STS records the call in the region of the endpoint used: the global one (us-east-1), else the
      // region the session then acted in.
      const global = globalEndpointRegion(region);
      const regions = region && region !== global ? [global, region] : [global];
      return { places: regions.map((r) => ({ account, region: r })), fromMs: atMs - index.lookBackMs, toMs: atMs };
    }
    case 'AWSAccount': {
      // Only the role owner's copy of a cross-account call was found: the caller's copy (same
      // sharedEventID) lies in the caller's account, in the region of the owner's copy.
      if (!reached.account || !region) return undefined;
      return { places: [{ account: reached.account, region }], fromMs: atMs, toMs: atMs };
    }
    default:
      return undefined;
  }
}

/**
 * Completes the chains of a set of actions: attributes them, reads what the incomplete links name, adds
 * it to the index and attributes again, while new folders are named and at most MAX_EVIDENCE_PASSES
 * times. Returns the final origins, each incomplete one saying which folders were read for it.
 */
export async function completeChains<T>(
  items: readonly T[],
  attributeOne: (item: T) => { origin: Origin; use: ChainUse },
  index: CredentialIndex,
  reader: EvidenceReader | undefined,
): Promise<Origin[]> {
  let round = items.map(attributeOne);
  for (let pass = 0; reader && pass < MAX_EVIDENCE_PASSES; pass++) {
    const needs = round.map((r) => needOf(r.origin, r.use, index)).filter((n): n is EvidenceNeed => n !== undefined);
    const events = needs.length ? reader.read(needs) : undefined;
    if (!events) break;
    for await (const sourced of events) index.add(sourced);
    round = items.map(attributeOne);
  }
  return round.map(({ origin, use }) => {
    const need = reader && needOf(origin, use, index);
    const searched = need ? reader.searched(need) : undefined;
    if (!searched) return origin;
    const missing = origin.missing ?? 'the chain stops here';
    const add = missing.includes('--identity-source') ? '' : '; if it is kept elsewhere (another bucket, the management account), add that trail with --identity-source';
    return { ...origin, missing: `${missing}; ${searched}${add}` };
  });
}
