/**
 * A city-scale register for the bench, loaded with COPY: N cases over Y years following the real
 * Call Sofia catalogue's distribution (case_types.weight, from callsofia-catalog-2014.tsv) and
 * Sofia's neighbourhoods, ~5 history events each, 20 % with photo records, their legal clocks
 * (issue 12) as the deadline engine computes them from the policies and the history, registered
 * users and subscriptions. Generated in registration order so numbers are gap-free per register
 * and year.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../src/platform/db/index.js';
import { formatRegNumber, sofiaYear } from '../src/platform/register/index.js';
import { DEMO_ANSWERS as ANSWERS, DEMO_PHRASES as PHRASES, prng } from '../src/modules/cases/index.js';
import { loadCalendar, sofiaDay } from '../src/platform/calendar/index.js';
import type { Calendar, Day } from '../src/platform/calendar/index.js';
import { afterEvents, clocksAtRegistration, type ClockRow, type NewCase } from '../src/modules/deadlines/deadlines.engine.js';
import type { ClockEvent, ClockSpec } from '../src/modules/deadlines/deadlines.policy.js';
import { policies, policiesChanged, policyFor } from '../src/modules/deadlines/deadlines.service.js';

/** What to load. */
export interface DatasetSpec {
  cases: number;
  years: number;
  users: number;
  subscriptions: number;
  now?: Date;
  seed?: number;
}

/** What was loaded, and how fast. */
export interface DatasetReport {
  cases: number;
  events: number;
  files: number;
  /** Legal clocks (case_clocks rows), those running, and the open cases. */
  clocks: number;
  runningClocks: number;
  open: number;
  users: number;
  subscriptions: number;
  seconds: number;
  /** The unit with the most open cases, for the inbox scenario. */
  busiestUnit: { id: number; code: string; open: number };
  phases: Record<string, number>;
}

const DAY = 86_400_000;
const CLOSED = ['closed', 'notified', 'rejected', 'duplicate'] as const;
const STREETS = ['ул. „Пиротска“', 'бул. „Витоша“', 'ул. „Шипка“', 'бул. „Черни връх“', 'ж.к. „Младост 1“, бл.', 'ж.к. „Люлин 5“, бл.', 'ул. „Граф Игнатиев“', 'бул. „Сливница“'];
const FIRST = ['Мария', 'Иван', 'Елена', 'Георги', 'Петя', 'Николай', 'Десислава', 'Стоян', 'Калина', 'Димитър'];
const LAST = ['Иванова', 'Петров', 'Георгиева', 'Димитров', 'Николова', 'Стоянов', 'Русева', 'Колев'];

/** How likely a case of this age is still open: the backlog of a real city, mostly recent. */
function openShare(ageDays: number): number {
  if (ageDays < 7) return 0.85;
  if (ageDays < 30) return 0.5;
  if (ageDays < 90) return 0.3;
  if (ageDays < 365) return 0.12;
  return 0.04;
}

// COPY's CSV: NULL is an unquoted empty field; anything else is quoted when it must be.
function csv(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  return v === '' || /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
const line = (cells: (string | number | boolean | null | undefined)[]) => cells.map(csv).join(',') + '\n';

interface PgliteCopy {
  query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown>;
  exec(q: string): Promise<unknown>;
}

/** COPY rows into a table on either driver, in chunks so no chunk holds more than ~50,000 rows. */
async function copyInto(db: Database, table: string, columns: string[], rows: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const stmt = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  let n = 0;
  const counted = async function* () {
    for await (const r of rows as AsyncIterable<string>) {
      n++;
      yield r;
    }
  };
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // Bulk load only: foreign keys are checked by the generator, not row by row (superuser setting).
      await client.query("SET session_replication_role = 'replica'");
      const sink = client.query(copyFrom(stmt));
      await pipeline(Readable.from(batched(counted())), sink);
    } finally {
      await client.end();
    }
    return n;
  }
  // PGlite is one session: loadDataset sets session_replication_role around the whole load.
  const pglite = (db as unknown as { pglite: PgliteCopy }).pglite;
  {
    const pgStmt = stmt.replace('FROM STDIN', "FROM '/dev/blob'");
    let chunk: string[] = [];
    let size = 0;
    for await (const r of counted()) {
      chunk.push(r);
      size += r.length;
      if (chunk.length >= 50_000 || size > 32 * 1024 * 1024) {
        await pglite.query(pgStmt, [], { blob: new Blob(chunk) });
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length) await pglite.query(pgStmt, [], { blob: new Blob(chunk) });
  }
  return n;
}

/** Joins many short lines into ~1 MB strings: a Readable of single rows spends its time on stream overhead. */
async function* batched(rows: AsyncIterable<string>): AsyncGenerator<string> {
  let buf: string[] = [];
  let size = 0;
  for await (const r of rows) {
    buf.push(r);
    size += r.length;
    if (size > 1 << 20) {
      yield buf.join('');
      buf = [];
      size = 0;
    }
  }
  if (buf.length) yield buf.join('');
}

/**
 * The clocks of one generated case, by the deadline engine: at registration, then moved by each later
 * history entry. A million cases make this a measurable part of the load, so two shortcuts that do
 * not change the answer: the clocks at registration depend only on the policy, the registration day
 * and the case's anonymity and email when no clock counts hours (kept per day; a clock already met
 * takes the moment itself), and an entry none of whose events a clock reacts to leaves it as it is
 * (afterEvents answers null for it).
 */
export function clockMaker(cal: Calendar) {
  const atRegistration = new Map<string, ClockRow[]>();
  const reacts = new Map<ClockSpec, Set<string>>();
  return (policy: { id: number; clocks: ClockSpec[] }, day: Day, c: NewCase, moves: { at: number; events: ClockEvent[] }[]): ClockRow[] => {
    const hours = policy.clocks.some((x) => x.length.unit === 'hours' || (x.anonymous !== 'none' && x.anonymous.target.unit === 'hours'));
    const key = `${policy.id}|${day}|${c.anonymous}|${c.hasEmail}`;
    let base = hours ? undefined : atRegistration.get(key);
    if (!base) {
      base = clocksAtRegistration(policy.clocks, c, cal);
      if (!hours) atRegistration.set(key, base);
    }
    return base.map((first) => {
      let row: ClockRow = first.state === 'stopped' ? { ...first, stoppedAt: c.at } : first;
      const spec = policy.clocks.find((x) => x.code === row.code)!;
      let on = reacts.get(spec);
      if (!on) reacts.set(spec, (on = new Set([...spec.start, ...spec.stopOn, ...spec.pauseOn, ...spec.resumeOn])));
      for (const m of moves) if (m.events.some((e) => on.has(e))) row = afterEvents(row, spec, m.events, { ...c, at: new Date(m.at) }, cal) ?? row;
      return row;
    });
  };
}

/** Secondary indexes of a table, dropped before a bulk load and built again after it (much faster than maintaining them row by row). */
async function dropIndexes(db: Database, tables: string[]): Promise<string[]> {
  const { rows } = await db.raw.executeSql(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  for (const r of rows) await db.raw.executeSql(`DROP INDEX ${r.indexname}`, []);
  return rows.map((r) => String(r.indexdef));
}

/** Loads the dataset into an empty register; reference data (catalogue, districts, units) must be there. */
export async function loadDataset(db: Database, spec: DatasetSpec, log: (m: string) => void = () => undefined): Promise<DatasetReport> {
  const q = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.raw.executeSql(text, values)).rows as T[];
  const [{ n: existing }] = (await q<{ n: number }>('SELECT count(*)::int AS n FROM cases')) as [{ n: number }];
  if (existing > 0) throw new Error(`the register already has ${existing} cases: the dataset loads into an empty one`);
  const started = performance.now();
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = (t - mark) / 1000;
    mark = t;
    log(`dataset: ${name} ${phases[name]!.toFixed(1)} s`);
  };
  const now = spec.now ?? new Date();
  const rand = prng(spec.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  const types = await q<{ id: number; category_id: number; weight: number; name_bg: string; route_to: string; route_unit_id: number | null; route_organisation_id: number | null }>(
    `SELECT t.id, t.category_id, t.weight, t.name_bg, t.route_to, t.route_unit_id, t.route_organisation_id
     FROM case_types t JOIN categories c ON c.id = t.category_id WHERE t.active AND c.active AND t.weight > 0 ORDER BY t.id`,
  );
  const totalWeight = types.reduce((s, t) => s + Number(t.weight), 0);
  let acc = 0;
  const cumulative = types.map((t) => (acc += Number(t.weight)));
  const pickType = () => {
    const x = rand() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return types[lo]!;
  };
  const unitRows = await q<{ id: number; code: string; district_id: number | null }>('SELECT id, code, district_id FROM units');
  const kc = unitRows.find((u) => u.code === 'KC')!.id;
  const unitOfDistrict = new Map<number, number>();
  for (const u of [...unitRows].sort((a, b) => a.id - b.id)) if (u.district_id !== null && !unitOfDistrict.has(u.district_id)) unitOfDistrict.set(u.district_id, u.id);

  // A pool of real points: 40 per neighbourhood, generated by PostGIS inside each polygon.
  const points = await q<{ lon: number; lat: number; nid: number; did: number | null }>(
    `SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.nid, p.did FROM (
       SELECT n.id AS nid, n.district_id AS did, (ST_Dump(ST_GeneratePoints(n.geom, 40, n.id))).geom FROM neighbourhoods n
     ) p`,
  );
  if (!points.length) throw new Error('no neighbourhoods: load the reference data first');

  // The register spans `years` years and the seeded policies start on 2026-01-01: a city that has
  // had its deadlines all along, so the first version of every policy is moved back to the
  // register's first day (the bench's database only). Later versions keep their dates.
  const span = spec.years * 365 * DAY;
  await q(
    `UPDATE deadline_policies p SET valid_from = $1::date
     WHERE valid_from > $1::date
       AND NOT EXISTS (SELECT 1 FROM deadline_policies o WHERE o.organisation_id = p.organisation_id AND o.kind = p.kind
                         AND coalesce(o.type_id, 0) = coalesce(p.type_id, 0) AND o.valid_from < p.valid_from)`,
    [sofiaDay(new Date(now.getTime() - span - 8 * DAY))],
  );
  policiesChanged();
  const [pol, cal] = await Promise.all([policies(db.orm), loadCalendar(db.orm)]);
  const clocksOf = clockMaker(cal);
  phase('reference and point pool');

  const userCount = spec.users;
  const userIds: string[] = [];
  const userInfo: { name: string; email: string; phone: string }[] = [];
  await copyInto(
    db,
    'users',
    ['id', 'name', 'email', 'email_verified', 'username', 'display_username', 'first_name', 'last_name', 'phone', 'locale', 'role', 'terms_version', 'terms_accepted_at', 'created_at', 'updated_at'],
    (function* () {
      for (let i = 0; i < userCount; i++) {
        const id = `bench-u-${i.toString(36)}`;
        const first = pick(FIRST);
        const last = pick(LAST);
        const email = `citizen${i}@bench.example`;
        const phone = `+359 88${String(1_000_000 + i).slice(-7)}`;
        userIds.push(id);
        userInfo.push({ name: `${first} ${last}`, email, phone });
        const at = new Date(now.getTime() - rand() * spec.years * 365 * DAY).toISOString();
        yield line([id, `${first} ${last}`, email, true, `citizen${i}`, `citizen${i}`, first, last, phone, rand() < 0.1 ? 'en' : 'bg', 'citizen', '2026-01', at, at, at]);
      }
    })(),
  );
  phase(`users (${userCount})`);

  // Registration moments in order, with bursts: a snowfall or a storm brings a week of 4× the usual.
  const bursts = Array.from({ length: spec.years * 2 }, () => now.getTime() - rand() * span);
  const moments = new Float64Array(spec.cases);
  for (let i = 0; i < spec.cases; i++) {
    let t = now.getTime() - rand() * span;
    if (rand() < 0.12) t = pick(bursts) + rand() * 7 * DAY;
    moments[i] = Math.min(t, now.getTime() - 60_000);
  }
  moments.sort();
  phase('moments');

  const seqs = new Map<string, number>();
  let eventId = 0;
  let clockId = 0;
  const events: string[] = [];
  const files: string[] = [];
  const clocks: string[] = [];
  const publicCaseIds: number[] = [];
  const openPerUnit = new Map<number, number>();
  let eventCount = 0;
  let fileCount = 0;
  let clockCount = 0;
  let runningClocks = 0;
  let openCount = 0;
  const flushEvents = async () => {
    if (!events.length) return;
    const batch = events.splice(0);
    eventCount += await copyInto(db, 'case_events', ['id', 'case_id', 'at', 'type', 'status_from', 'status_to', 'text', 'visibility', 'actor_label'], batch);
  };
  const flushFiles = async () => {
    if (!files.length) return;
    const batch = files.splice(0);
    fileCount += await copyInto(db, 'case_files', ['id', 'case_id', 'kind', 'position', 'mime', 'original_kind', 'width', 'height', 'bytes', 'created_at'], batch);
  };
  const flushClocks = async () => {
    if (!clocks.length) return;
    const batch = clocks.splice(0);
    clockCount += await copyInto(
      db,
      'case_clocks',
      ['id', 'case_id', 'policy_id', 'code', 'legal', 'state', 'started_on', 'due_on', 'due_at', 'paused_at', 'extended_days', 'extensions', 'stopped_at'],
      batch,
    );
  };
  const CLOSED_SET = new Set<string>(CLOSED);

  const caseRows = async function* () {
    for (let i = 0; i < spec.cases; i++) {
      const id = i + 1;
      const at = new Date(moments[i]!);
      const ageDays = (now.getTime() - at.getTime()) / DAY;
      const question = rand() < 0.05;
      const kind = question ? 'question' : 'signal';
      const reg = question ? 'КЦ02' : 'КЦ01';
      const year = sofiaYear(at);
      const key = `${reg}/${year}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      const t = pickType();
      const p = question ? null : pick(points);
      const lon = p ? Number(p.lon) + (rand() - 0.5) * 0.0002 : null;
      const lat = p ? Number(p.lat) + (rand() - 0.5) * 0.0002 : null;
      const districtId = p?.did ?? null;
      const unitId =
        t.route_to === 'unit' && t.route_unit_id ? Number(t.route_unit_id) : t.route_to === 'organisation' ? kc : districtId !== null ? (unitOfDistrict.get(Number(districtId)) ?? kc) : kc;
      const orgId = t.route_to === 'organisation' ? t.route_organisation_id : null;
      const open = rand() < openShare(ageDays);
      let status: string;
      if (open) status = ageDays < 3 ? 'pending' : pick(['pending', 'in_progress', 'in_progress', 'awaiting_reply']);
      else status = rand() < 0.75 ? pick(['closed', 'closed', 'notified']) : pick(CLOSED);
      const author = rand() < 0.3 ? Math.floor(rand() * userCount) : -1;
      const anonymous = author < 0 && rand() < 0.35;
      const who = author >= 0 ? userInfo[author]! : anonymous ? null : { name: `${pick(FIRST)} ${pick(LAST)}`, email: `s${id}@bench.example`, phone: `+359 87${String(1_000_000 + (id % 9_000_000)).slice(-7)}` };
      const hidden = rand() < 0.002;
      // History: registered, routed, then as far as the status went; ~5 entries for a closed case.
      let when = at.getTime();
      const step = () => (when = Math.min(now.getTime() - 1000, when + (0.1 + rand() * (ageDays > 30 ? 6 : 1)) * DAY));
      // What each later entry did to the clocks, as the staff action that wrote it tells the engine:
      // its type, "closed" when it closed the case, "notified" for that status (cases.hooks.ts).
      const moves: { at: number; events: ClockEvent[] }[] = [];
      const ev = (type: string, from: string | null, to: string | null, text: string | null, pub: boolean, by: string) => {
        events.push(line([++eventId, id, new Date(when).toISOString(), type, from, to, text, pub ? 'public' : 'internal', by]));
        if (type !== 'registered') moves.push({ at: when, events: [type as ClockEvent, ...(to && CLOSED_SET.has(to) ? (['closed'] as const) : []), ...(to === 'notified' ? (['notified'] as const) : [])] });
      };
      ev('registered', null, 'pending', null, true, 'Контактен център');
      ev('routed', null, null, null, true, 'Столична община');
      let firstAnswer: string | null = null;
      if (status !== 'pending') {
        step();
        ev('status', 'pending', 'in_progress', null, true, 'Столична община');
        if (rand() < 0.6) {
          step();
          ev('note', null, null, 'Възложено на екипа по поддръжка.', false, 'Столична община');
        }
        if (!open) {
          step();
          const text = status === 'rejected' ? 'Сигналът е извън компетентността на Столична община.' : status === 'duplicate' ? null : pick(ANSWERS);
          ev(status === 'rejected' ? 'rejected' : status === 'duplicate' ? 'duplicate' : 'answer', 'in_progress', status, text, true, 'Столична община');
          if (text) firstAnswer = new Date(when).toISOString();
        } else if (status === 'awaiting_reply') {
          step();
          ev('status', 'in_progress', 'awaiting_reply', null, true, 'Столична община');
        }
      }
      const updated = new Date(when).toISOString();
      let photos = 0;
      if (!question && rand() < 0.2) {
        photos = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < photos; k++) {
          files.push(line([randomUUID(), id, 'photo', k, 'image/jpeg', 'jpeg', 1600, 1200, 150_000 + Math.floor(rand() * 250_000), at.toISOString()]));
        }
      }
      if (open) openPerUnit.set(unitId, (openPerUnit.get(unitId) ?? 0) + 1);
      if (open) openCount++;
      // The clocks of the policy in force on the registration day, moved by the history above.
      let dueAt: string | null = null;
      const day = sofiaDay(at);
      const policy = policyFor(pol, unitId, kind, t.id, day);
      if (policy) {
        for (const row of clocksOf(policy, day, { at, anonymous, hasEmail: !!who?.email }, moves)) {
          const due = row.dueAt?.toISOString() ?? null;
          clocks.push(line([++clockId, id, policy.id, row.code, row.legal, row.state, row.startedOn, row.dueOn, due, row.pausedAt?.toISOString(), row.extendedDays, row.extensions, row.stoppedAt?.toISOString()]));
          if (row.state === 'running') {
            runningClocks++;
            if (due && (!dueAt || due < dueAt)) dueAt = due;
          }
        }
      }
      if (!hidden && !question) publicCaseIds.push(id);
      const description = question ? `Въпрос относно: ${t.name_bg}. Каква е процедурата и в какъв срок?` : `${t.name_bg}. ${pick(PHRASES)}`;
      yield line([
        id,
        kind,
        reg,
        year,
        seq,
        formatRegNumber(reg, year, seq),
        at.toISOString(),
        rand() < 0.15 ? 'phone' : 'web',
        t.category_id,
        t.id,
        status,
        description,
        p ? `${pick(STREETS)} ${1 + Math.floor(rand() * 120)}` : null,
        p ? `SRID=4326;POINT(${lon!.toFixed(7)} ${lat!.toFixed(7)})` : null,
        districtId,
        p?.nid ?? null,
        '{}',
        author >= 0 ? userIds[author] : null,
        who?.name ?? null,
        who?.phone ?? null,
        who?.email ?? null,
        rand() < 0.08 ? 'en' : 'bg',
        anonymous,
        randomBytes(32).toString('hex'),
        true,
        hidden,
        unitId,
        orgId,
        firstAnswer,
        photos,
        updated,
        open ? null : updated,
        dueAt,
      ]);
      if (events.length >= 200_000) await flushEvents();
      if (files.length >= 50_000) await flushFiles();
      if (clocks.length >= 200_000) await flushClocks();
    }
  };

  const indexDefs = await dropIndexes(db, ['cases', 'case_events', 'case_files', 'case_clocks']);
  const pglite = db.kind === 'pglite' ? (db as unknown as { pglite: PgliteCopy }).pglite : null;
  // Foreign keys are the generator's to keep; checking them row by row would double the load time.
  await pglite?.exec("SET session_replication_role = 'replica'");
  const caseCount = await copyInto(
    db,
    'cases',
    [
      'id', 'kind', 'register_code', 'reg_year', 'reg_seq', 'reg_number', 'registered_at', 'channel', 'category_id', 'type_id', 'status',
      'description', 'address', 'location', 'district_id', 'neighbourhood_id', 'extra', 'author_id', 'submitter_name', 'submitter_phone',
      'submitter_email', 'lang', 'anonymous', 'access_token_hash', 'is_public', 'hidden', 'unit_id', 'organisation_id', 'first_answer_at',
      'photo_count', 'updated_at', 'closed_at', 'due_at',
    ],
    caseRows(),
  );
  await flushEvents();
  await flushFiles();
  await flushClocks();
  phase(`COPY ${caseCount} cases, ${eventCount} events, ${fileCount} files, ${clockCount} clocks`);
  await pglite?.exec("SET session_replication_role = 'origin'");
  for (const def of indexDefs) await q(def);
  // Triggers were off for the load (session_replication_role): the inbox's open counts are built once here.
  await q('DELETE FROM unit_open_counts');
  await q(`INSERT INTO unit_open_counts (unit_id, status, n)
           SELECT unit_id, status, count(*)::int FROM cases WHERE closed_at IS NULL AND unit_id IS NOT NULL GROUP BY unit_id, status`);
  phase(`rebuild ${indexDefs.length} indexes`);

  for (const [key, last] of seqs) {
    const [reg, y] = key.split('/');
    await q(
      `INSERT INTO register_counters (register_code, year, last_value) VALUES ($1, $2, $3)
       ON CONFLICT (register_code, year) DO UPDATE SET last_value = GREATEST(register_counters.last_value, EXCLUDED.last_value)`,
      [reg, Number(y), last],
    );
  }
  // Explicit ids went in through COPY: move the identity sequences past them.
  await q("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))");
  await q("SELECT setval(pg_get_serial_sequence('case_events', 'id'), (SELECT max(id) FROM case_events))");
  if (clockCount) await q("SELECT setval(pg_get_serial_sequence('case_clocks', 'id'), (SELECT max(id) FROM case_clocks))");

  const subs = new Set<string>();
  const subRows: string[] = [];
  while (subRows.length < Math.min(spec.subscriptions, userCount * publicCaseIds.length)) {
    const u = userIds[Math.floor(rand() * userCount)]!;
    // Followers gather on recent signals.
    const c = publicCaseIds[publicCaseIds.length - 1 - Math.floor(Math.abs(rand() * rand()) * publicCaseIds.length)]!;
    const k = `${u}/${c}`;
    if (subs.has(k)) continue;
    subs.add(k);
    subRows.push(line([u, c, now.toISOString()]));
  }
  await copyInto(db, 'subscriptions', ['user_id', 'case_id', 'created_at'], subRows);
  phase(`subscriptions (${subRows.length})`);

  await q(db.kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
  phase('vacuum/analyze');

  const [busiest] = [...openPerUnit.entries()].sort((a, b) => b[1] - a[1]);
  const unit = unitRows.find((u) => u.id === busiest![0])!;
  return {
    cases: caseCount,
    events: eventCount,
    files: fileCount,
    clocks: clockCount,
    runningClocks,
    open: openCount,
    users: userCount,
    subscriptions: subRows.length,
    seconds: (performance.now() - started) / 1000,
    busiestUnit: { id: unit.id, code: unit.code, open: busiest![1] },
    phases,
  };
}

