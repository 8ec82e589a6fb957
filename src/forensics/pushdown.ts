import type { QueryHints } from '../source/query-hints.js';
import { DELETION_CATALOGUE, typeMatches } from './catalogue.js';
import { ISSUING_EVENT_NAMES } from './issued-credential.js';
import type { ResourceQuery } from './resource.js';
import type { TraceTarget } from './trace.js';

/**
 * What find-deletion and trace ask of API sources (event history, CloudWatch Logs). Each is a union of
 * alternatives, one per part of the command's matcher, and each alternative is a superset of its part, so
 * the same events come back as from a full read; the matcher then decides exactly.
 */

/** The credential-issuing calls every attribution chain needs. */
export const ISSUING_PUSHDOWN: QueryHints = { eventNames: [...ISSUING_EVENT_NAMES] };

/**
 * Deletions of the resource: the catalogue's destructive calls for its type (all types when none is known),
 * OR any call that event history indexes under one of the resource's names (this covers destructive calls
 * outside the catalogue, which find-deletion recognises by the name in the request); OR the issuing calls.
 */
export function deletionPushdown(query: ResourceQuery): QueryHints[] {
  const names = DELETION_CATALOGUE.filter((r) => typeMatches(query.type, r)).map((r) => r.eventName);
  const alternatives: QueryHints[] = [{ eventNames: [...new Set([...names, ...ISSUING_EVENT_NAMES])] }];
  if (query.names.length) alternatives.push({ resourceNames: [...new Set([query.input, ...query.names])] });
  return alternatives;
}

/** Uses of an access key, OR the issuing calls. A principal ARN cannot be pushed down exactly: full read. */
export function tracePushdown(target: TraceTarget): QueryHints[] | undefined {
  if (target.kind === 'key') return [{ accessKeyIds: [target.accessKeyId] }, ISSUING_PUSHDOWN];
  return undefined;
}
