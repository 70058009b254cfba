import type { Database } from '../../platform/db/index.js';
import { loadCalendar, sofiaDay } from '../../platform/calendar/index.js';
import { formatRegNumber, sofiaYear } from '../../platform/register/index.js';
import { afterEvents, clocksAtRegistration, type ClockRow } from '../deadlines/deadlines.engine.js';
import type { ClockEvent } from '../deadlines/deadlines.policy.js';
import { KINDS, STATUSES, type CaseStatus } from './cases.policy.js';

/** A small deterministic PRNG, so every fresh demo database looks the same. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What demo signals say besides their type (also used by the bench's dataset). */
export const DEMO_PHRASES = [
  'Проблемът е от няколко седмици и се влошава.',
  'Моля за спешна проверка, опасно е за децата.',
  'Сигнализирах и преди, но няма промяна.',
  'Вечер е особено неприятно.',
  'Засегнати са всички живущи в района.',
  'Прилагам описание на мястото.',
];
/** Demo answers of units. */
export const DEMO_ANSWERS = [
  'Сигналът е възложен на фирмата, отговорна за поддръжката. Проблемът е отстранен.',
  'Извършена е проверка на място. Предприети са необходимите действия.',
  'Сигналът е препратен по компетентност към районната администрация.',
];

/** Names of demo submitters (most people give one; the rest stay anonymous, АПК art. 111(4)). */
const FIRST = ['Мария', 'Иван', 'Елена', 'Георги', 'Петя', 'Николай', 'Десислава', 'Стоян', 'Калина', 'Димитър'];
const LAST = ['Иванова', 'Петров', 'Георгиева', 'Димитров', 'Николова', 'Стоянов', 'Русева', 'Колев'];

/** Demo signal plan: statuses as the live system shows them, older signals further along. */
function pickStatus(r: number, ageDays: number): string {
  if (ageDays < 3) return r < 0.8 ? 'pending' : 'in_progress';
  if (r < 0.2) return 'pending';
  if (r < 0.45) return 'in_progress';
  if (r < 0.55) return 'awaiting_reply';
  if (r < 0.85) return 'closed';
  if (r < 0.92) return 'notified';
  if (r < 0.97) return 'rejected';
  return 'duplicate';
}

/**
 * Seeds `count` demo signals (and a few questions) over the last `days` days, following the
 * real catalogue's distribution and spread over Sofia's neighbourhoods, with histories.
 * Runs once, on an empty register; numbers are given in date order, gap-free.
 */
export async function seedDemoCases(db: Database, count: number, now = new Date(), days = 90, seed = 2026): Promise<number> {
  const { rows: existing } = await db.raw.executeSql('SELECT count(*)::int AS n FROM cases', []);
  if ((existing[0] as { n: number }).n > 0 || count === 0) return 0;
  const { rows: types } = await db.raw.executeSql(
    'SELECT t.id, t.category_id, t.weight FROM case_types t JOIN categories c ON c.id = t.category_id WHERE t.active AND c.active AND t.weight > 0',
    [],
  );
  const { rows: hoods } = await db.raw.executeSql('SELECT source_id FROM neighbourhoods ORDER BY source_id', []);
  const rand = prng(seed);
  const totalWeight = types.reduce((s, t) => s + Number(t.weight), 0);
  const pickType = () => {
    let x = rand() * totalWeight;
    for (const t of types) if ((x -= Number(t.weight)) <= 0) return t;
    return types[types.length - 1];
  };

  type Plan = { k: string; reg: string; y: number; s: number; num: string; at: string; ty: number; ca: number; st: string; d: string; h: number | null; ps: number; nm: string | null; em: string | null; ev: DemoEvent[] };
  const plans: Omit<Plan, 'reg' | 'y' | 's' | 'num'>[] = [];
  for (let i = 0; i < count; i++) {
    const ageDays = rand() * days;
    const at = new Date(now.getTime() - ageDays * 86_400_000);
    const t = pickType();
    const isQuestion = rand() < 0.05;
    const status = pickStatus(rand(), ageDays);
    // Two in three give a name and an email: their clocks are the law's (АПК arts. 121, 123), the
    // anonymous ones' the Contact Center's own target.
    const named = rand() < 0.65;
    const events: DemoEvent[] = [{ at: at.toISOString(), type: 'registered', from: null, to: 'pending', text: null }];
    let when = at.getTime();
    const step = () => (when = Math.min(now.getTime(), when + (0.2 + rand() * 3) * 86_400_000));
    if (status !== 'pending') {
      events.push({ at: new Date(step()).toISOString(), type: 'status', from: 'pending', to: 'in_progress', text: null });
      if (status !== 'in_progress') {
        // A quarter of the decisions take weeks: some come after the deadline, as in the live register.
        if (rand() < 0.25) when = Math.min(now.getTime(), when + (10 + rand() * 70) * 86_400_000);
        const answer = status === 'rejected' ? 'Сигналът е извън компетентността на Столична община.' : DEMO_ANSWERS[Math.floor(rand() * DEMO_ANSWERS.length)]!;
        events.push({ at: new Date(step()).toISOString(), type: 'status', from: 'in_progress', to: status, text: status === 'duplicate' ? null : answer });
      }
    }
    plans.push({
      k: isQuestion ? 'question' : 'signal',
      at: at.toISOString(),
      ty: Number(t.id),
      ca: Number(t.category_id),
      st: status,
      d: DEMO_PHRASES[Math.floor(rand() * DEMO_PHRASES.length)]!,
      h: isQuestion ? null : Number(hoods[Math.floor(rand() * hoods.length)]!.source_id),
      ps: Math.floor(rand() * 1e9),
      nm: named ? `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}` : null,
      em: named ? `grazhdanin.${i + 1}@demo.example` : null,
      ev: events,
    });
  }
  plans.sort((a, b) => a.at.localeCompare(b.at));
  const seqs = new Map<string, number>();
  const full: Plan[] = plans.map((p) => {
    const reg = KINDS[p.k as 'signal' | 'question'].register;
    const y = sofiaYear(new Date(p.at));
    const key = `${reg}/${y}`;
    const s = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, s);
    return { ...p, reg, y, s, num: formatRegNumber(reg, y, s) };
  });

  // One statement per batch: the catalogue type supplies the description's subject, the
  // neighbourhood polygon a random point, and the district is the one that covers it (or nearest).
  const BATCH = 2000;
  for (let i = 0; i < full.length; i += BATCH) {
    await db.raw.executeSql(
      `WITH p AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x(k text, reg text, y int, s int, num text, at timestamptz, ty int, ca int, st text, d text, h int, ps int, nm text, em text, ev jsonb)
       ), g AS (
         SELECT p.*, t.name_bg AS tname,
                CASE WHEN p.h IS NULL THEN NULL
                     ELSE (SELECT ST_GeometryN(ST_GeneratePoints(n.geom, 1, p.ps), 1) FROM neighbourhoods n WHERE n.source_id = p.h) END AS pt
         FROM p JOIN case_types t ON t.id = p.ty
       ), ins AS (
         INSERT INTO cases (kind, register_code, reg_year, reg_seq, reg_number, registered_at, channel, category_id, type_id,
                            status, description, location, district_id, neighbourhood_id, is_public, anonymous, submitter_name, submitter_email, updated_at, closed_at)
         SELECT g.k, g.reg, g.y, g.s, g.num, g.at, 'web', g.ca, g.ty, g.st,
                CASE WHEN g.k = 'question' THEN 'Въпрос относно: ' || g.tname || '. Каква е процедурата и в какъв срок?'
                     ELSE g.tname || '. ' || g.d END,
                g.pt,
                CASE WHEN g.pt IS NULL THEN NULL
                     ELSE (SELECT d.id FROM districts d ORDER BY d.geom <-> g.pt, ST_Distance(d.geom, g.pt) LIMIT 1) END,
                (SELECT n.id FROM neighbourhoods n WHERE n.source_id = g.h),
                true, g.nm IS NULL, g.nm, g.em,
                COALESCE((SELECT max((e->>'at')::timestamptz) FROM jsonb_array_elements(g.ev) e), g.at),
                CASE WHEN g.st IN ('closed', 'notified', 'rejected', 'duplicate')
                     THEN (SELECT max((e->>'at')::timestamptz) FROM jsonb_array_elements(g.ev) e) END
         FROM g
         RETURNING id, reg_number
       )
       INSERT INTO case_events (case_id, at, type, status_from, status_to, text, visibility, actor_label)
       SELECT ins.id, (e->>'at')::timestamptz, e->>'type', e->>'from', e->>'to', e->>'text', 'public',
              CASE WHEN e->>'type' = 'registered' THEN 'Контактен център' ELSE 'Столична община' END
       FROM ins JOIN p ON p.num = ins.reg_number, jsonb_array_elements(p.ev) e`,
      [JSON.stringify(full.slice(i, i + BATCH))],
    );
  }
  for (const [key, last] of seqs) {
    const [reg, y] = key.split('/');
    await db.raw.executeSql(
      `INSERT INTO register_counters (register_code, year, last_value) VALUES ($1, $2, $3)
       ON CONFLICT (register_code, year) DO UPDATE SET last_value = GREATEST(register_counters.last_value, EXCLUDED.last_value)`,
      [reg, Number(y), last],
    );
  }
  // CC-9 for the demo history: each signal sits with the unit its type's rule names, else its
  // district's administration, else the Contact Center; the first answer is the first text.
  await db.raw.executeSql(
    `UPDATE cases c SET unit_id = COALESCE(
        CASE WHEN t.route_to = 'unit' THEN t.route_unit_id END,
        (SELECT u.id FROM units u WHERE u.district_id = c.district_id ORDER BY u.id LIMIT 1),
        (SELECT u.id FROM units u WHERE u.code = 'KC'))
     FROM case_types t WHERE t.id = c.type_id AND c.unit_id IS NULL`,
    [],
  );
  await db.raw.executeSql(
    `UPDATE cases c SET first_answer_at = (SELECT min(e.at) FROM case_events e WHERE e.case_id = c.id AND e.text IS NOT NULL)
     WHERE c.first_answer_at IS NULL AND c.status <> 'pending'`,
    [],
  );
  await seedDemoClocks(db, full);
  await db.raw.executeSql('ANALYZE cases; ANALYZE case_events; ANALYZE case_clocks', []);
  return full.length;
}

/** A history entry of a demo case. */
interface DemoEvent {
  at: string;
  type: string;
  from: string | null;
  to: string | null;
  text: string | null;
}

/**
 * The demo cases' legal clocks, as the policies in force on their registration days say (issue 12),
 * computed by the deadline engine itself: the clocks at registration, then each later history entry
 * as the staff action that wrote it would have moved them ("closed" when it closed the case,
 * "notified" for that status). Closed cases' clocks stopped (some after their due date), open ones'
 * run (some overdue); cases.due_at is the earliest running clock's. One read and two writes.
 */
async function seedDemoClocks(db: Database, plans: { num: string; k: string; ty: number; at: string; em: string | null; nm: string | null; ev: DemoEvent[] }[]): Promise<void> {
  // The one place the case model reaches up to the deadlines module: loaded only when seeding,
  // so module loading keeps its direction (deadlines → cases).
  const { policies, policyFor } = await import('../deadlines/deadlines.service.js');
  const [p, cal, { rows: units }] = await Promise.all([policies(db.orm), loadCalendar(db.orm), db.raw.executeSql('SELECT reg_number, unit_id FROM cases', [])]);
  const unitOf = new Map((units as { reg_number: string; unit_id: number | null }[]).map((r) => [r.reg_number, r.unit_id === null ? null : Number(r.unit_id)]));
  const out: (Omit<ClockRow, 'dueAt' | 'pausedAt' | 'stoppedAt'> & { num: string; policyId: number; dueAt: string | null; pausedAt: string | null; stoppedAt: string | null })[] = [];
  for (const plan of plans) {
    const at = new Date(plan.at);
    const policy = policyFor(p, unitOf.get(plan.num) ?? null, plan.k, plan.ty, sofiaDay(at));
    if (!policy) continue;
    const c = { at, anonymous: !plan.nm && !plan.em, hasEmail: !!plan.em };
    for (let row of clocksAtRegistration(policy.clocks, c, cal)) {
      const spec = policy.clocks.find((x) => x.code === row.code)!;
      for (const e of plan.ev.slice(1)) {
        const events: ClockEvent[] = [e.type as ClockEvent];
        if (e.to && e.to in STATUSES && !STATUSES[e.to as CaseStatus].open) events.push('closed');
        if (e.to === 'notified') events.push('notified');
        row = afterEvents(row, spec, events, { ...c, at: new Date(e.at) }, cal) ?? row;
      }
      out.push({ ...row, num: plan.num, policyId: policy.id, dueAt: row.dueAt?.toISOString() ?? null, pausedAt: row.pausedAt?.toISOString() ?? null, stoppedAt: row.stoppedAt?.toISOString() ?? null });
    }
  }
  if (!out.length) return;
  await db.raw.executeSql(
    `INSERT INTO case_clocks (case_id, policy_id, code, legal, state, started_on, due_on, due_at, paused_at, extended_days, extensions, stopped_at)
     SELECT c.id, x."policyId", x.code, x.legal, x.state, x."startedOn", x."dueOn", x."dueAt", x."pausedAt", x."extendedDays", x.extensions, x."stoppedAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(num text, "policyId" int, code text, legal boolean, state text, "startedOn" date, "dueOn" date, "dueAt" timestamptz,
                                             "pausedAt" timestamptz, "extendedDays" int, extensions smallint, "stoppedAt" timestamptz)
     JOIN cases c ON c.reg_number = x.num`,
    [JSON.stringify(out)],
  );
  await db.raw.executeSql(
    `UPDATE cases c SET due_at = k.due FROM (SELECT case_id, min(due_at) AS due FROM case_clocks WHERE state = 'running' GROUP BY case_id) k WHERE k.case_id = c.id`,
    [],
  );
}
