import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../app.js';
import { eventually, extraApp, testConfig } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';
import { citizen, post, staff } from '../../../test/accounts.factories.js';

/** A real SMTP server on loopback that can refuse mail for a while, as a failing mail host would. */
function startSmtp() {
  const received: { to: string; subject: string; raw: string }[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (state.refuse) return cb(Object.assign(new Error('451 try again later'), { responseCode: 451 }));
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
        received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject, raw });
        cb();
      });
    },
  });
  return new Promise<{ port: number; received: typeof received; state: typeof state; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as { port: number }).port;
      resolve({ port, received, state, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

// Its own job schema: the worker's other app (no SMTP) must not take these jobs.
describe('email over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: App;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await extraApp({ config: testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, jobsSchema: 'pgboss_smtp' }) });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  test('the confirmation reaches a real mail server, in Bulgarian, with the number', async () => {
    const { plain } = await types(app);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { email: 'smtp1@example.bg' }) });
    const number = res.json().number as string;
    const msg = await eventually(async () => smtp.received.find((m) => m.to === 'smtp1@example.bg'));
    expect(msg.raw).toContain('Content-Language: bg');
    // Subjects are MIME-encoded; the body carries the number in plain text.
    expect(msg.raw).toContain(number.split('-')[2]);
    expect(app.app.hasRoute({ method: 'GET', url: '/dev/mailbox' })).toBe(false);
  });

  test('a mail server that refuses for a while delays mail but never loses or doubles it', async () => {
    const { plain } = await types(app);
    smtp.state.refuse = true;
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { email: 'smtp2@example.bg' }) });
    expect(res.statusCode).toBe(201); // the citizen is not kept waiting on the mail server
    await eventually(async () => {
      const { rows } = await app.ctx.db.raw.executeSql("SELECT attempts FROM mail_outbox WHERE \"to\" = 'smtp2@example.bg'", []);
      return rows[0]?.attempts >= 1;
    });
    expect(smtp.received.filter((m) => m.to === 'smtp2@example.bg')).toHaveLength(0);
    smtp.state.refuse = false;
    await eventually(async () => smtp.received.some((m) => m.to === 'smtp2@example.bg'), 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.filter((m) => m.to === 'smtp2@example.bg')).toHaveLength(1);
    const { rows } = await app.ctx.db.raw.executeSql("SELECT status FROM mail_outbox WHERE \"to\" = 'smtp2@example.bg'", []);
    expect(rows[0].status).toBe('sent');
  }, 90_000);

  test('a staff answer while the mail server refuses: the action is done at once, the submitter and a subscriber get their email once it recovers, none twice', async () => {
    const { plain } = await types(app);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { email: 'smtp3@example.bg' }) });
    const number = res.json().number as string;
    const { rows } = await app.ctx.db.raw.executeSql('SELECT u.code FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.reg_number = $1', [number]);
    const officer = await staff(app, 'officer', rows[0].code);
    const follower = await citizen(app);
    await post(app, `/cases/${encodeURIComponent(number)}/subscription`, { action: 'subscribe' }, { cookie: follower.cookie });
    // Everything sent so far (verification, subscription notice, confirmation) is delivered before the server starts refusing.
    await eventually(async () => {
      const r = await app.ctx.db.raw.executeSql("SELECT count(*) FILTER (WHERE status <> 'sent') AS left FROM mail_outbox WHERE \"to\" IN ($1, $2)", ['smtp3@example.bg', follower.email]);
      return Number(r.rows[0].left) === 0;
    });
    smtp.state.refuse = true;
    const started = Date.now();
    const answer = await post(app, `/staff/cases/${encodeURIComponent(number)}/answer`, { text: 'Ремонтът е извършен', status: 'closed' }, { cookie: officer.cookie });
    expect(answer.statusCode).toBe(303);
    expect(Date.now() - started).toBeLessThan(5000);
    await eventually(async () => {
      const r = await app.ctx.db.raw.executeSql("SELECT min(attempts) AS a FROM mail_outbox WHERE template LIKE 'case-update%' AND \"to\" IN ($1, $2)", ['smtp3@example.bg', follower.email]);
      return Number(r.rows[0]?.a) >= 1;
    });
    smtp.state.refuse = false;
    await eventually(async () => {
      const r = await app.ctx.db.raw.executeSql("SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) AS n FROM mail_outbox WHERE template LIKE 'case-update%' AND \"to\" IN ($1, $2)", ['smtp3@example.bg', follower.email]);
      return Number(r.rows[0].n) === 2 && Number(r.rows[0].sent) === 2;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    // Every email in the outbox reached the server exactly once: verification, subscription notice,
    // confirmation and the two updates.
    for (const to of ['smtp3@example.bg', follower.email]) {
      const r = await app.ctx.db.raw.executeSql('SELECT count(*) AS n FROM mail_outbox WHERE "to" = $1', [to]);
      expect(smtp.received.filter((m) => m.to === to), to).toHaveLength(Number(r.rows[0].n));
    }
    expect(smtp.received.filter((m) => m.to === 'smtp3@example.bg')).toHaveLength(2);
  }, 90_000);
});
