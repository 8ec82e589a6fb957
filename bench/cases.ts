import { basename, dirname, join } from 'node:path';
import { PLANTED_TABLE, type CorpusManifest } from './corpus-common.js';
import { shq, type CaseSpec, type RunResult } from './measure.js';

/**
 * The cases of one corpus, each with the check of its answer against the corpus manifest: a fast wrong answer
 * fails the bench. Ids are what the report's ratios and targets refer to.
 */
export interface CaseContext {
  m: CorpusManifest;
  trail: string;
  fileList: string;
  /** bench/ in dist (where gunzip.js and duckdb.js are). */
  here: string;
  ctrail: string;
  hasCommand: (name: string) => boolean;
}

const sorted = (xs: string[]) => [...xs].sort().join('\n');
export function sameSet(got: string[], want: string[], what: string): { problem?: string; answer: string } {
  const answer = sorted(got);
  if (answer === sorted(want)) return { answer };
  const missing = want.filter((x) => !got.includes(x)).length;
  const extra = got.filter((x) => !want.includes(x)).length;
  return { problem: `${what}: ${missing} missing, ${extra} extra (of ${want.length})`, answer };
}

export function idsFromNdjson(text: string): string[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { eventID: string }).eventID);
}

/** A deletion as `eventID origin chain…`: what find-deletion and its SQL equivalent must agree on. */
const deletionLine = (d: { eventID: string; origin: string; chain: string[] }) => [d.eventID, d.origin, ...d.chain].join(' ');

function ctrailDeletions(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { eventID: string; match: string; origin: { arn?: string; chain: Array<{ eventID: string }> } })
    .filter((d) => d.match !== 'related')
    .map((d) => deletionLine({ eventID: d.eventID, origin: d.origin.arn ?? '?', chain: d.origin.chain.map((c) => c.eventID) }));
}

export function corpusCases(x: CaseContext): CaseSpec[] {
  const { m, trail, ctrail, here } = x;
  const events = m.events;
  const deletions = m.deletions.map(deletionLine);
  const needle = (r: RunResult) => sameSet(idsFromNdjson(r.stdout), m.deleteTableIds, 'DeleteTable events');
  const duck = (q: string) => `node ${shq(join(here, 'duckdb.js'))} ${shq(trail)} ${q}`;
  // Commands that name the files they read run from the corpus folder with a relative path, so their output
  // (and its md5 in the report) is the same from any checkout.
  const fromCorpus = `cd ${shq(dirname(trail))} && node ${shq(ctrail)}`;
  const rel = shq(basename(trail));
  const cases: CaseSpec[] = [
    {
      id: 'gunzip', name: 'bare Node gunzip (all cores)', group: 'ceiling', cmd: `node ${shq(join(here, 'gunzip.js'))} ${shq(x.fileList)}`,
      check: (r) => (Number(r.stdout.trim()) === m.uncompressedBytes ? {} : { problem: `gunzipped ${r.stdout.trim()} bytes, corpus has ${m.uncompressedBytes}` }),
    },
    { id: 'needle', name: 'ctrail events --event-name DeleteTable', group: 'needle', peer: 'duck-needle', events, cmd: `node ${shq(ctrail)} events ${shq(trail)} --event-name DeleteTable -o ndjson -q`, check: needle },
    { id: 'needle-1', name: 'ctrail events --event-name DeleteTable --threads 1', group: 'needle', peer: 'duck-needle', events, cmd: `node ${shq(ctrail)} events ${shq(trail)} --event-name DeleteTable -o ndjson -q --threads 1`, check: needle },
  ];
  if (x.hasCommand('find-deletion')) {
    cases.push({
      id: 'fd', name: `ctrail find-deletion ${PLANTED_TABLE}`, group: 'forensics', peer: 'duck-fd', events, cmd: `${fromCorpus} find-deletion ${PLANTED_TABLE} ${rel} -o ndjson -q`,
      check: (r) => sameSet(ctrailDeletions(r.stdout), deletions, 'deletions with their chains'),
    });
  }
  if (x.hasCommand('activity')) {
    cases.push({
      id: 'activity', name: `ctrail activity ${m.closure.root} (${m.closure.sessions.toLocaleString('en-US')} sessions, ${m.closure.depth} levels)`, group: 'forensics', peer: 'duck-activity', events,
      cmd: `${fromCorpus} activity ${m.closure.root} ${rel} -o ndjson -q`,
      check: (r) => sameSet(idsFromNdjson(r.stdout), m.closure.eventIds, 'closure events'),
    });
  }
  cases.push({
    // The answer is counted outside the timing (run.ts): counting lines here would slow the case.
    id: 'broad', name: 'ctrail events --write-only -o ndjson > /dev/null', group: 'broad', peer: 'duck-count', events, stdoutTo: '/dev/null',
    cmd: `node ${shq(ctrail)} events ${shq(trail)} --write-only -o ndjson -q`, check: () => ({}),
  });
  const jqFilter = `.Records[] | select(.eventName == "DeleteTable") | .eventID`;
  cases.push(
    {
      id: 'jq', name: 'zcat | jq (same needle query)', group: 'needle', events, cmd: `tr '\\n' '\\0' < ${shq(x.fileList)} | xargs -0 zcat | /usr/bin/jq -r ${shq(jqFilter)}`,
      check: (r) => sameSet(r.stdout.split('\n').filter(Boolean), m.deleteTableIds, 'jq: DeleteTable events'),
    },
    {
      id: 'duck-needle', name: 'DuckDB read_json, same needle query', group: 'needle', events, cmd: duck('needle'),
      check: (r) => sameSet((JSON.parse(r.stdout) as { ids: string[] }).ids, m.deleteTableIds, 'DuckDB: DeleteTable events'),
    },
    {
      id: 'duck-count', name: 'DuckDB read_json, count(*)', group: 'broad', events, cmd: duck('count'),
      check: (r) => {
        const got = JSON.parse(r.stdout) as { events: number; writes: number };
        return got.events === m.events && got.writes === m.writeEvents ? {} : { problem: `DuckDB counted ${got.events}/${got.writes}` };
      },
    },
    {
      id: 'duck-fd', name: `DuckDB SQL find-deletion ${PLANTED_TABLE} (catalogue names + recursive AssumeRole join)`, group: 'forensics', events, cmd: duck(`find-deletion ${PLANTED_TABLE}`),
      check: (r) => sameSet((JSON.parse(r.stdout) as { deletions: Array<{ eventID: string; origin: string; chain: string[] }> }).deletions.map(deletionLine), deletions, 'DuckDB: deletions with their chains'),
    },
    {
      id: 'duck-activity', name: `DuckDB SQL activity ${m.closure.root} (recursive CTE over issuing calls)`, group: 'forensics', events, cmd: duck(`activity ${m.closure.root}`),
      check: (r) => sameSet((JSON.parse(r.stdout) as { ids: string[] }).ids, m.closure.eventIds, 'DuckDB: closure events'),
    },
  );
  return cases;
}
