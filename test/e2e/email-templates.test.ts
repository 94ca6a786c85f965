// The emails as their readers receive them, over real SMTP (test/helpers/smtp.ts, parsed by
// mailparser) on the time-skipping server: the receipt, a reminder, the escalation of a missed
// step and the SSP decision's notice to the L&D Chair each have a plain-text and an HTML part, the
// deadline in GOV.UK words, an absolute link to the page where it is done, no "case system", no
// rationale, and HTML that is well formed and escaped.
import { govukDateTime } from '../../domain/govuk-dates';
import type { CapturedMail } from '../helpers/smtp';
import { htmlLinks, htmlProblems, htmlWords } from '../helpers/email-html';
import { TEST_PUBLIC_BASE_URL } from '../helpers/stack';
import { actors, decide, skipPast, startCase, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const RATIONALE = 'Quenby-Marlowe rationale words';

/** Both parts there, the same links in both, absolute; the HTML well formed; no "case system". */
function expectActionable(mail: CapturedMail, links: string[]): void {
  expect(mail.text.length).toBeGreaterThan(0);
  expect(mail.html.length).toBeGreaterThan(0);
  expect(htmlProblems(mail.html)).toEqual([]);
  expect(htmlLinks(mail.html)).toEqual(links);
  for (const link of links) expect(mail.text.split(/\r?\n/)).toContain(link);
  expect(htmlWords(mail.html)).toContain('Safeguarding Partnership');
  for (const part of [mail.subject, mail.text, mail.html]) {
    expect(part).not.toMatch(/case system/i);
    expect(part).not.toContain(RATIONALE);
    expect(part).not.toContain('Test Child');
  }
}

test('receipt, reminder, escalation and decision notice: text and HTML, GOV.UK deadline words, the right page', async () => {
  const { handle, ref, status } = await startCase(h);
  const informed = status.obligations['ssp-informed']!.deadline;
  const casePage = `${TEST_PUBLIC_BASE_URL}/cases/${ref}`;
  const form = `${casePage}/decisions/ssp-informed`;
  const by = `by ${govukDateTime(informed.dueAt)}`;
  expect(by).toMatch(/^by 11:59pm on [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}$/);

  // The receipt and the reminders go to the Business Unit, who record the step: its form first.
  const receipt = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Referral received`));
  expectActionable(receipt, [form, casePage]);
  expect(receipt.text).toContain(`Do it ${by}.`);
  expect(receipt.text).toContain(`Step: ${informed.obligation} (${informed.section}).`);
  expect(receipt.text).toContain(`How the deadline was counted: ${informed.rule}`);

  await skipPast(h, informed.dueAt);
  const reminder = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] Reminder - ${informed.obligation}`));
  expectActionable(reminder, [form, casePage]);
  expect(reminder.subject).toBe(`[${ref}] Reminder - ${informed.obligation}: due ${informed.dueDate}`);
  expect(reminder.text).toContain(`Do it ${by}.`);
  expect(htmlWords(reminder.html)).toContain(`Do it ${by}.`);

  // The escalation goes to the Business Manager and the DCS, who do not record it: the case page.
  const escalation = await h.smtp.waitFor((m) => m.subject.startsWith(`[${ref}] MISSED - ${informed.obligation}`));
  expectActionable(escalation, [casePage]);
  expect(escalation.text).toContain(`It was due ${by} and had not been recorded as done by then.`);
  expect(escalation.text).toContain(`Record it on the case page:\n${casePage}`);
  expect(htmlWords(escalation.html)).toContain(`It was due ${by}`);

  // The SSP's decision goes to the L&D Chair: its outcome, never its rationale; the case page.
  await decide(handle, 'ssp-informed', actors.businessUnit);
  await decide(handle, 'ssp-decision', actors.ssp, { outcome: 'criteria-met', rationale: RATIONALE });
  const shared = await h.smtp.waitFor((m) => m.subject === `[${ref}] SSP decision: criteria-met`);
  expectActionable(shared, [casePage]);
  expect(shared.to).toEqual(['ld-chair@partnership.example.org']);
  expect(shared.text).toContain('not sent by email');
});
