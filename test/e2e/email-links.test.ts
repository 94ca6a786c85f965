// Every link in the emails a case sends opens a real page for the person the email went to, and
// a decision's form only for them (one whose step was since recorded: the case page, saying so): on the real stack (dev server, worker, register, SMTP listener, the API and the
// pages), each message's links are followed, signed in as its recipient (200), and the decision
// forms also as someone the email did not go to (404: not theirs to record).
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { referrerAwareOn } from '../helpers/drive';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { londonDate } from '../helpers/expected-dates';
import { MAILBOX } from '../helpers/obligations';
import { HTML, signedInAgent, webOptionsFor } from '../helpers/pages';
import type { CapturedMail } from '../helpers/smtp';
import { TEST_PUBLIC_BASE_URL } from '../helpers/stack';

const FORM = validReferralForm();
const PEOPLE: Array<{ id: string; role: Role; agency: string; token: string }> = [
  { id: 'bu-l', role: 'business-unit', agency: 'Business Unit', token: 'links-bu-token' },
  { id: 'ssp-l', role: 'ssp', agency: 'Local Authority', token: 'links-ssp-token' },
  { id: 'ld-l', role: 'ld-chair', agency: 'Learning and Development Group', token: 'links-ld-token' },
  { id: 'referrer-l', role: 'referrer', agency: FORM.referrer.organisation, token: 'links-referrer-token' },
];
/** Whose inbox each address is: the example directory's mailboxes and the form's referrer. */
const READER: Record<string, string> = {
  [MAILBOX['business-unit']]: 'bu-l',
  [MAILBOX.ssp]: 'ssp-l',
  [MAILBOX['ld-chair']]: 'ld-l',
  [FORM.referrer.email]: 'referrer-l',
};
const token = (id: string) => PEOPLE.find((p) => p.id === id)!.token;

let stack: DevStack;
beforeAll(async () => {
  stack = await startDevStack({ people: PEOPLE, app: { web: webOptionsFor(PEOPLE) } });
});
afterAll(async () => {
  await stack?.stop();
});

/** The links of an email's text part: each stands on a line of its own. */
const linksOf = (mail: CapturedMail) => mail.text.split(/\r?\n/).filter((line) => line.startsWith('http'));

async function decide(ref: string, id: string, decision: string, body: object = {}) {
  const res = await request(stack.app).post(`/cases/${ref}/decisions/${decision}`).set(bearer(token(id))).send(body);
  expect({ decision, status: res.status }).toEqual({ decision, status: 200 });
  expect((await settledCase(stack.app, ref, token('bu-l'))).status).toBe(200);
}

test("each email's links open the page for the people it went to; a decision's form is theirs alone", async () => {
  const today = londonDate(Date.now());
  const res = await request(stack.app).post('/referrals').set(bearer(token('bu-l'))).send({ referral: referrerAwareOn(FORM, today) });
  expect(res.status).toBe(201);
  const ref = (res.body as { caseReference: string }).caseReference;
  expect((await settledCase(stack.app, ref, token('bu-l'))).status).toBe(200);
  await decide(ref, 'bu-l', 'ssp-informed', { note: 'Partners told by secure email (test)' });
  await decide(ref, 'ssp-l', 'ssp-decision', { outcome: 'criteria-met', rationale: 'Criteria met on the facts given (test)' });

  // What this case sent so far: the receipts, the referrer's, "now yours", "done", the decision to the L&D Chair.
  const mails = stack.smtp.messages.filter((m) => m.subject.startsWith(`[${ref}]`));
  const subjects = mails.map((m) => m.subject.slice(ref.length + 3).split(' - ')[0]!.split(':')[0]);
  expect(subjects).toEqual(expect.arrayContaining(['Referral received', 'Your referral', 'Now yours', 'Done', 'SSP decision']));

  const agents = new Map<string, Awaited<ReturnType<typeof signedInAgent>>>();
  const agentOf = async (id: string) => agents.get(id) ?? agents.set(id, await signedInAgent(stack.app, id)).get(id)!;
  let followed = 0;
  for (const mail of mails) {
    const readers = mail.to.map((address) => READER[address]).filter((id): id is string => id !== undefined);
    expect({ subject: mail.subject, readers: readers.length }).toEqual({ subject: mail.subject, readers: mail.to.length });
    for (const link of linksOf(mail)) {
      expect(link.startsWith(`${TEST_PUBLIC_BASE_URL}/`)).toBe(true);
      const address = link.slice(TEST_PUBLIC_BASE_URL.length);
      for (const id of readers) {
        // A form whose step was since recorded sends its reader to the case page, saying so.
        const page = await (await agentOf(id)).get(address).set('Accept', HTML).redirects(1);
        expect({ subject: mail.subject, address, id, status: page.status }).toEqual({ subject: mail.subject, address, id, status: 200 });
        if (page.redirects.length > 0) {
          expect(page.redirects).toEqual([`${new URL(page.request.url).origin}/cases/${ref}`]);
          expect(page.text).toContain('There is nothing to record for');
        }
        followed++;
      }
      // A decision's form is for those who record it: another role is told there is no such page.
      if (address.includes('/decisions/')) {
        const other = PEOPLE.find((p) => !readers.includes(p.id) && p.role !== 'business-unit')!;
        const page = await (await agentOf(other.id)).get(address).set('Accept', HTML);
        expect({ address, id: other.id, status: page.status }).toEqual({ address, id: other.id, status: 404 });
      }
    }
  }
  expect(followed).toBeGreaterThanOrEqual(8);
});
