// A case brought to its Rapid Review through the API, the chair asking two agencies for their
// information (§6.5) and one returning it: what the access and browser tests of the returns share.
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer } from './dev-stack';
import { londonDate, workingDaysAfter } from './expected-dates';

export const POLICE = 'Example Police';
export const HEALTH = 'Example Health Trust';
export const SCHOOL = 'Example Primary School';

export interface ReturnsPerson {
  id: string;
  role: Role;
  agency: string;
  token: string;
}

/** The panel, three agencies (two asked), and those who read no return. */
export const RETURNS_PEOPLE: ReturnsPerson[] = [
  { id: 'bu-rr', role: 'business-unit', agency: 'Business Unit', token: 'rr-bu-token' },
  { id: 'ssp-rr', role: 'ssp', agency: 'Local Authority', token: 'rr-ssp-token' },
  { id: 'chair-rr', role: 'rapid-review-chair', agency: 'Local Authority', token: 'rr-chair-token' },
  { id: 'police-rr', role: 'action-owner', agency: POLICE, token: 'rr-police-token' },
  { id: 'health-rr', role: 'action-owner', agency: HEALTH, token: 'rr-health-token' },
  { id: 'school-rr', role: 'action-owner', agency: SCHOOL, token: 'rr-school-token' },
  { id: 'reviewer-rr', role: 'reviewer', agency: 'Independent', token: 'rr-reviewer-token' },
  { id: 'referrer-rr', role: 'referrer', agency: 'Example Health Trust', token: 'rr-referrer-token' },
  { id: 'ops-rr', role: 'operations', agency: 'Partnership IT', token: 'rr-ops-token' },
];
export const tokenOf = (id: string) => RETURNS_PEOPLE.find((p) => p.id === id)!.token;

export const HEALTH_RETURN = {
  involvement: 'Fictitious: universal health visiting since birth.',
  safeguardingIssues: 'Fictitious: none known before the incident.',
  informationHeld: "Fictitious: the health visitor's records.",
  author: 'Fictitious Named Nurse, safeguarding lead',
  chronology: [
    { date: '2025-03-04', time: '09:30', event: 'Fictitious new birth visit', agency: HEALTH, source: 'Health visiting records', involved: 'Health visitor, mother', decisionsAndOutcome: 'Universal service', childSeen: 'yes', childViews: 'Too young to say', comments: 'None' },
    { date: '2025-09-10', event: 'Fictitious 6 month review', agency: HEALTH, source: 'Health visiting records', involved: 'Health visitor', decisionsAndOutcome: 'No concerns', childSeen: 'no' },
  ],
};

async function decide(app: Express, ref: string, id: string, decision: string, body: object = {}): Promise<void> {
  const res = await request(app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(tokenOf(id))).send(body);
  if (res.status !== 200) throw new Error(`${decision} by ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * A case at its Rapid Review; unless `ask` is false, the chair asks the police and the health trust
 * and the health trust returns.
 */
export async function caseWithReturns(app: Express, ask = true): Promise<string> {
  const res = await request(app).post('/referrals').set(bearer(tokenOf('bu-rr'))).send({ referral: validReferralForm() });
  if (res.status !== 201) throw new Error(`referral: ${res.status}`);
  const ref = (res.body as { caseReference: string }).caseReference;
  await decide(app, ref, 'bu-rr', 'ssp-informed');
  await decide(app, ref, 'ssp-rr', 'ssp-decision', { outcome: 'criteria-met', rationale: 'Fictitious rationale (test).' });
  await decide(app, ref, 'bu-rr', 'national-notification', { panelReference: 'CSPRP-TEST-0042' });
  await decide(app, ref, 'bu-rr', 'panel-acknowledgement');
  if (!ask) return ref;
  const due = workingDaysAfter(londonDate(Date.now()), 3);
  await decide(app, ref, 'chair-rr', 'rapid-review-information-requested', { agencies: [{ agency: POLICE }, { agency: HEALTH }], returnsDueOn: due });
  await decide(app, ref, 'health-rr', 'rapid-review-return', HEALTH_RETURN);
  await returnWritten(app, ref, HEALTH);
  return ref;
}

/** The register row of a return is written just after the decision answers (the case's outbox): wait for it. */
export async function returnWritten(app: Express, ref: string, agency: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(`/cases/${ref}/rapid-review-returns/${encodeURIComponent(agency)}`).set(bearer(tokenOf('chair-rr')));
    if (res.status === 200) return;
    if (Date.now() > until) throw new Error(`the return of ${agency} was not written: ${res.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
