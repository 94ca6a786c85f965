// The action log and exception report through the real API (createApp) on a real register (a
// temporary SQLite file, migrated as the API migrates it): each person signs in with their own
// token, and what they are shown follows domain/access.ts (actionReadFor), never the request.
//
// The app gets a Temporal client that never connects (Connection.lazy): these routes read only the
// register. (startDevStack would also start a worker, whose workflow bundle this test does not need.)
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { upsertActionSnapshot } from '../../register/actions';
import type { RegisterDb } from '../../register/database';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import type { ActionSnapshot } from '../../domain/action-snapshot';
import type { Role } from '../../domain/roles';
import { bearer } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';
import { tempRegister } from '../helpers/stack';

const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-1', role: 'business-unit', agency: 'Business Unit', token: 'act-bu' },
  { id: 'ssp-la', role: 'ssp', agency: 'Local Authority', token: 'act-ssp' },
  { id: 'rr-chair', role: 'rapid-review-chair', agency: 'Local Authority', token: 'act-rr' },
  { id: 'ld-chair', role: 'ld-chair', agency: 'Learning and Development Group', token: 'act-ld' },
  { id: 'owner-eht', role: 'action-owner', agency: 'Example Health Trust', token: 'act-owner-eht' },
  { id: 'owner-police', role: 'action-owner', agency: 'Police', token: 'act-owner-police' },
  { id: 'ops-1', role: 'operations', agency: 'Partnership IT', token: 'act-ops' },
  { id: 'referrer-1', role: 'referrer', agency: 'Example Health Trust', token: 'act-referrer' },
  { id: 'reviewer-1', role: 'reviewer', agency: 'Independent reviewer', token: 'act-reviewer' },
];
const tokenOf = (id: string) => PEOPLE.find((p) => p.id === id)!.token;

const EHT = 'Example Health Trust';
const LA = 'Local Authority';
const POLICE = 'Police';

// 23:30 UTC on 14 June is 00:30 on 15 June in London (BST): today is 2026-06-15, not the UTC date.
const NOW = new Date('2026-06-14T23:30:00Z');
const TODAY = '2026-06-15';

function snap(caseReference: string, actionId: string, agency: string, deadline: string, extra: Partial<ActionSnapshot> = {}): ActionSnapshot {
  return {
    caseReference,
    actionId,
    agency,
    owner: `Lead for ${caseReference}/${actionId}`,
    description: `Act on what happened to Test Child (${caseReference}/${actionId})`,
    finding: `Finding naming Test Child (${caseReference}/${actionId})`,
    agreedOn: '2026-01-12',
    originalDeadline: deadline,
    deadline,
    status: 'open',
    escalation: 'none',
    sspInvolved: false,
    version: 1,
    updatedAt: '2026-01-12T12:00:00.000Z',
    ...extra,
  };
}

const SNAPSHOTS: ActionSnapshot[] = [
  snap('DSP-2026-0002', 'A01', EHT, '2026-07-31'),
  snap('DSP-2026-0001', 'A02', POLICE, '2026-05-20', { originalDeadline: '2026-04-20', escalation: 'overdue' }),
  snap('DSP-2026-0003', 'A01', LA, '2026-06-14', { owner: '=SUM(1+1)', description: 'Audit, then "report"' }),
  snap('DSP-2026-0002', 'A02', POLICE, '2026-04-01', { status: 'completed', completedOn: '2026-03-30', version: 4 }),
  snap('DSP-2026-0001', 'A01', EHT, '2026-06-01', { sspInvolved: true, escalation: 'overdue' }),
];

let register: RegisterDb;
let app: Express;
beforeAll(async () => {
  ({ register } = await tempRegister());
  app = createApp({
    temporal: new Client(),
    register,
    ring: TEST_KEY_RING,
    users: { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) },
    smtpReachable: async () => true,
    now: () => NOW,
  });
  for (const s of SNAPSHOTS) expect(await upsertActionSnapshot(register, TEST_KEY_RING, s)).toBe(true);
});
afterAll(async () => {
  await register?.destroy();
});

const get = (who: string, path: string) => request(app).get(path).set(bearer(tokenOf(who)));
const ids = (actions: Array<{ caseReference: string; actionId: string }>) => actions.map((a) => `${a.caseReference}/${a.actionId}`);

/** The open actions by deadline (written out by hand from SNAPSHOTS). */
const OPEN_IN_ORDER = ['DSP-2026-0001/A02', 'DSP-2026-0001/A01', 'DSP-2026-0003/A01', 'DSP-2026-0002/A01'];

test('the Business Unit reads every open action with its free text, by deadline, overdue as of the London date', async () => {
  const res = await get('bu-1', '/actions');
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.today).toBe(TODAY);
  expect(ids(res.body.actions)).toEqual(OPEN_IN_ORDER);
  // 20 May to 15 June: 11 + 15 = 26 days; 1 June: 14; 14 June: 1; 31 July: not yet.
  expect(res.body.actions.map((a: { daysOverdue: number }) => a.daysOverdue)).toEqual([26, 14, 1, 0]);
  expect(res.body.actions[1]).toEqual({
    caseReference: 'DSP-2026-0001',
    actionId: 'A01',
    agency: EHT,
    owner: 'Lead for DSP-2026-0001/A01',
    description: 'Act on what happened to Test Child (DSP-2026-0001/A01)',
    finding: 'Finding naming Test Child (DSP-2026-0001/A01)',
    agreedOn: '2026-01-12',
    originalDeadline: '2026-06-01',
    deadline: '2026-06-01',
    status: 'open',
    escalation: 'overdue',
    sspInvolved: true,
    overdue: true,
    daysOverdue: 14,
  });
});

test('the SSP and both chairs read the same, free text included; ?status=all adds the completed action', async () => {
  for (const who of ['ssp-la', 'rr-chair', 'ld-chair']) {
    const res = await get(who, '/actions');
    expect({ who, status: res.status, ids: ids(res.body.actions) }).toEqual({ who, status: 200, ids: OPEN_IN_ORDER });
    expect(res.body.actions[0].finding).toBe('Finding naming Test Child (DSP-2026-0001/A02)');
  }
  const all = await get('bu-1', '/actions?status=all');
  expect(ids(all.body.actions)).toEqual(['DSP-2026-0002/A02', ...OPEN_IN_ORDER]);
  expect(all.body.actions[0]).toMatchObject({ status: 'completed', completedOn: '2026-03-30', overdue: false, daysOverdue: 0 });
  // ?agency= narrows for those who read every agency.
  expect(ids((await get('ssp-la', `/actions?agency=${encodeURIComponent(POLICE)}&status=all`)).body.actions)).toEqual(['DSP-2026-0002/A02', 'DSP-2026-0001/A02']);
});

test('the exception report lists the overdue open actions by agency, alphabetically, oldest first', async () => {
  const res = await get('bu-1', '/actions/exceptions');
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body.today).toBe(TODAY);
  expect(res.body.agencies.map((g: { agency: string; actions: Array<{ caseReference: string; actionId: string }> }) => [g.agency, ids(g.actions)])).toEqual([
    [EHT, ['DSP-2026-0001/A01']],
    [LA, ['DSP-2026-0003/A01']],
    [POLICE, ['DSP-2026-0001/A02']],
  ]);
  expect(res.body.agencies[2].actions[0]).toMatchObject({ owner: 'Lead for DSP-2026-0001/A02', originalDeadline: '2026-04-20', daysOverdue: 26 });
});

test('operations read deadlines, statuses and counts of every agency, never the words', async () => {
  const log = await get('ops-1', '/actions?status=all');
  expect(log.status).toBe(200);
  expect(ids(log.body.actions)).toEqual(['DSP-2026-0002/A02', ...OPEN_IN_ORDER]);
  for (const action of log.body.actions) {
    expect(Object.keys(action).sort()).toEqual(
      (action.completedOn ? ['completedOn'] : [])
        .concat(['actionId', 'agency', 'agreedOn', 'caseReference', 'daysOverdue', 'deadline', 'escalation', 'originalDeadline', 'overdue', 'sspInvolved', 'status'])
        .sort(),
    );
  }
  const report = await get('ops-1', '/actions/exceptions');
  expect(report.body.agencies.map((g: { actions: unknown[] }) => g.actions.length)).toEqual([1, 1, 1]);
  const csv = await get('ops-1', '/actions?format=csv');
  for (const body of [JSON.stringify(log.body), JSON.stringify(report.body), csv.text]) {
    expect(body).not.toContain('Test Child');
    expect(body).not.toContain('Lead for');
    expect(body).not.toContain('SUM');
  }
  expect(csv.text.split('\r\n')[0]).toBe('\uFEFFCase reference,Action,Agency,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on');
});

test("an action owner reads only their own agency's actions, whatever ?agency= asks for", async () => {
  const mine = await get('owner-eht', '/actions');
  expect(mine.status).toBe(200);
  expect(ids(mine.body.actions)).toEqual(['DSP-2026-0001/A01', 'DSP-2026-0002/A01']);
  expect(mine.body.actions[0].description).toBe('Act on what happened to Test Child (DSP-2026-0001/A01)');
  expect(ids((await get('owner-eht', `/actions?agency=${encodeURIComponent(EHT)}`)).body.actions)).toEqual(['DSP-2026-0001/A01', 'DSP-2026-0002/A01']);
  // Another agency's: an empty list, not its rows.
  const other = await get('owner-eht', `/actions?agency=${encodeURIComponent(POLICE)}&status=all`);
  expect([other.status, other.body]).toEqual([200, { today: TODAY, actions: [] }]);
  const otherCsv = await get('owner-eht', `/actions?agency=${encodeURIComponent(POLICE)}&format=csv`);
  expect(otherCsv.text).toBe(
    '\uFEFFCase reference,Action,Agency,Owner,Description,Finding,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on,Withdrawn reason\r\n',
  );

  const report = await get('owner-eht', '/actions/exceptions');
  expect(report.body.agencies.map((g: { agency: string; actions: Array<{ caseReference: string; actionId: string }> }) => [g.agency, ids(g.actions)])).toEqual([
    [EHT, ['DSP-2026-0001/A01']],
  ]);
  expect((await get('owner-eht', `/actions/exceptions?agency=${encodeURIComponent(POLICE)}`)).body).toEqual({ today: TODAY, agencies: [] });

  const police = await get('owner-police', '/actions?status=all');
  expect(ids(police.body.actions)).toEqual(['DSP-2026-0002/A02', 'DSP-2026-0001/A02']);
});

test('a referrer and a reviewer are refused 403, before their query is even looked at', async () => {
  for (const who of ['referrer-1', 'reviewer-1']) {
    for (const path of ['/actions', '/actions/exceptions', '/actions?format=csv', '/actions?status=bogus']) {
      const res = await get(who, path);
      expect({ who, path, status: res.status, code: res.body.error?.code, cache: res.headers['cache-control'] }).toEqual({
        who,
        path,
        status: 403,
        code: 'ReadNotAllowed',
        cache: 'no-store',
      });
      expect(JSON.stringify(res.body)).not.toContain('DSP-2026');
    }
  }
  // Unauthenticated: 401, as everywhere.
  expect((await request(app).get('/actions')).status).toBe(401);
});

test('CSV by ?format=csv or Accept: text/csv, as a download named for the day', async () => {
  const byParam = await get('bu-1', '/actions?format=csv');
  const byAccept = await get('bu-1', '/actions').set('Accept', 'text/csv');
  for (const res of [byParam, byAccept]) {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="action-log-2026-06-15.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe(
      '\uFEFFCase reference,Action,Agency,Owner,Description,Finding,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on,Withdrawn reason\r\n' +
        'DSP-2026-0001,A02,Police,Lead for DSP-2026-0001/A02,Act on what happened to Test Child (DSP-2026-0001/A02),Finding naming Test Child (DSP-2026-0001/A02),2026-01-12,2026-04-20,2026-05-20,open,overdue,no,yes,26,,\r\n' +
        'DSP-2026-0001,A01,Example Health Trust,Lead for DSP-2026-0001/A01,Act on what happened to Test Child (DSP-2026-0001/A01),Finding naming Test Child (DSP-2026-0001/A01),2026-01-12,2026-06-01,2026-06-01,open,overdue,yes,yes,14,,\r\n' +
        // A formula is made text; a comma and quotes are quoted.
        `DSP-2026-0003,A01,Local Authority,'=SUM(1+1),"Audit, then ""report""",Finding naming Test Child (DSP-2026-0003/A01),2026-01-12,2026-06-14,2026-06-14,open,none,no,yes,1,,\r\n` +
        'DSP-2026-0002,A01,Example Health Trust,Lead for DSP-2026-0002/A01,Act on what happened to Test Child (DSP-2026-0002/A01),Finding naming Test Child (DSP-2026-0002/A01),2026-01-12,2026-07-31,2026-07-31,open,none,no,no,0,,\r\n',
    );
  }
  // An explicit format wins over Accept.
  const json = await get('bu-1', '/actions?format=json').set('Accept', 'text/csv');
  expect(json.headers['content-type']).toMatch(/^application\/json/);

  const report = await get('ops-1', '/actions/exceptions').set('Accept', 'text/csv');
  expect(report.status).toBe(200);
  expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(report.headers['content-disposition']).toBe('attachment; filename="exception-report-2026-06-15.csv"');
  expect(report.text).toBe(
    '\uFEFFCase reference,Action,Agency,Agreed on,Original deadline,Deadline,Status,Escalation,SSP involved,Overdue,Days overdue,Completed on\r\n' +
      'DSP-2026-0001,A01,Example Health Trust,2026-01-12,2026-06-01,2026-06-01,open,overdue,yes,yes,14,\r\n' +
      'DSP-2026-0003,A01,Local Authority,2026-01-12,2026-06-14,2026-06-14,open,none,no,yes,1,\r\n' +
      'DSP-2026-0001,A02,Police,2026-01-12,2026-04-20,2026-05-20,open,overdue,no,yes,26,\r\n',
  );
});

test('an unknown or bad query parameter is 422 InvalidQuery, and the answer does not repeat it', async () => {
  const cases: Array<[string, Array<{ path: string; message: string }>]> = [
    ['/actions?status=Test%20Child', [{ path: 'status', message: 'status must be open or all, once' }]],
    ['/actions?status=open&status=all', [{ path: 'status', message: 'status must be open or all, once' }]],
    ['/actions?format=xlsx', [{ path: 'format', message: 'format must be json or csv, once' }]],
    ['/actions?agency=', [{ path: 'agency', message: 'agency must be the name of an agency (1 to 200 characters), once' }]],
    ['/actions?childName=Test%20Child', [{ path: '(query)', message: 'Unknown query parameter; allowed: status, agency, format' }]],
    // The exception report has no status: it is about open actions.
    ['/actions/exceptions?status=all', [{ path: '(query)', message: 'Unknown query parameter; allowed: agency, format' }]],
  ];
  for (const [path, problems] of cases) {
    const res = await get('bu-1', path);
    expect({ path, status: res.status, body: res.body, cache: res.headers['cache-control'] }).toEqual({
      path,
      status: 422,
      body: { error: { code: 'InvalidQuery', message: 'The query is not valid', problems } },
      cache: 'no-store',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Test Child|childName|xlsx/);
  }
});
