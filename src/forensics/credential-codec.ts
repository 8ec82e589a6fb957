import type { CloudTrailEvent, UserIdentity } from '../cloudtrail/event.js';
import type { IssuedCredential, IssuingEventName } from './issued-credential.js';
import { RecordArena } from './record-arena.js';

/**
 * Where the credential index keeps its credentials: each as one line of text in a RecordArena (off the heap,
 * then in a temporary file), found by a dense id. Per id it keeps the arena position and a byte of flags for
 * the index; source names are kept once and referred to by number. Every read decodes a fresh object.
 */
export class CredentialStore {
  private readonly arena: RecordArena;
  private at = new Float64Array(1024);
  private length = new Uint32Array(1024);
  private flagBytes = new Uint8Array(1024);
  private readonly sources: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  size = 0;

  constructor(memoryBytes: number | undefined) {
    this.arena = new RecordArena(memoryBytes === undefined ? {} : { memoryBytes });
  }

  /** Stores a credential and returns its id (ids count up from 0). */
  append(c: IssuedCredential): number {
    const id = this.size++;
    if (id === this.at.length) {
      const size = Math.ceil(id * 1.5);
      const at = new Float64Array(size);
      at.set(this.at);
      this.at = at;
      const length = new Uint32Array(size);
      length.set(this.length);
      this.length = length;
      const flags = new Uint8Array(size);
      flags.set(this.flagBytes);
      this.flagBytes = flags;
    }
    let source = this.sourceIds.get(c.source);
    if (source === undefined) {
      source = this.sources.push(c.source) - 1;
      this.sourceIds.set(c.source, source);
    }
    const ref = this.arena.append(encode(c, source));
    this.at[id] = ref.at;
    this.length[id] = ref.length;
    return id;
  }

  get(id: number): IssuedCredential {
    return decode(this.arena.read(this.at[id]!, this.length[id]!), this.sources);
  }

  flags(id: number): number {
    return this.flagBytes[id]!;
  }

  setFlags(id: number, bits: number): void {
    this.flagBytes[id] = this.flagBytes[id]! | bits;
  }
}

/**
 * A credential as one JSON array, fields in a fixed order with null for absent ones; `event` (owner
 * copies only) rides along whole.
 */
function encode(c: IssuedCredential, source: number): string {
  const n = <T>(v: T | undefined) => (v === undefined ? null : v);
  return JSON.stringify([
    c.accessKeyId, c.eventName, n(c.eventID), n(c.sharedEventID), c.issuedAt, c.expiresAt, n(c.sessionArn), n(c.roleArn), n(c.account),
    n(c.sessionName), n(c.sourceIdentity), c.caller, n(c.callerKey), n(c.recipientAccountId), source, n(c.event), n(c.awsRegion),
  ]);
}

type Encoded = [string, IssuingEventName, string | null, string | null, number, number, string | null, string | null, string | null, string | null, string | null, UserIdentity, string | null, string | null, number, CloudTrailEvent | null, string | null];

function decode(text: string, sources: readonly string[]): IssuedCredential {
  const [accessKeyId, eventName, eventID, sharedEventID, issuedAt, expiresAt, sessionArn, roleArn, account, sessionName, sourceIdentity, caller, callerKey, recipientAccountId, source, event, awsRegion] = JSON.parse(text) as Encoded;
  // Same fields, in the same order, as issuedCredentialOf builds them.
  const c: IssuedCredential = { accessKeyId, eventName, issuedAt, expiresAt, caller, source: sources[source]! };
  if (eventID !== null) c.eventID = eventID;
  if (sharedEventID !== null) c.sharedEventID = sharedEventID;
  if (sessionArn !== null) c.sessionArn = sessionArn;
  if (roleArn !== null) c.roleArn = roleArn;
  if (account !== null) c.account = account;
  if (sessionName !== null) c.sessionName = sessionName;
  if (sourceIdentity !== null) c.sourceIdentity = sourceIdentity;
  if (callerKey !== null) c.callerKey = callerKey;
  if (recipientAccountId !== null) c.recipientAccountId = recipientAccountId;
  if (awsRegion !== null) c.awsRegion = awsRegion;
  if (event !== null) c.event = event;
  return c;
}
