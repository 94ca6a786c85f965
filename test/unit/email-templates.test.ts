// Every email as a template (activities/notices.ts over activities/email-layout.ts): a plain-text
// and an HTML part saying the same thing, the deadline as the pages say it ("by 11:59pm on
// Wednesday 30 December 2026"), how it was counted, and a link to where it is done: the decision's
// form where its readers may use it, else the case page or the action page. The HTML part is
// well formed, escaped, GOV.UK Notify's look, and fetches or runs nothing.
import { renderNotice } from '../../activities/notices';
import { escapeHtml, renderHtml, renderText, type EmailBlock } from '../../activities/email-layout';
import { formOf } from '../../activities/email-words';
import type { Deadline } from '../../domain/case';
import type { Notice, ObligationNotice } from '../../activities/types';
import { validReferralForm } from '../fixtures/referral-form';
import { htmlLinks, htmlProblems, htmlWords } from '../helpers/email-html';

const REF = 'DSP-2026-0042';
const SENT = new Date('2026-12-24T09:00:00.000Z');
const BASE = 'https://staff.partnership.example.org';
const PARTNERSHIP = 'Example Safeguarding Partnership';

// LA aware Monday 21 Dec 2026; 25-28 Dec not counted; due the end of Wednesday 30 Dec.
const christmas: Deadline = {
  obligationId: 'national-notification',
  obligation: 'LA notifies the Child Safeguarding Practice Review Panel (shared with Ofsted and DfE)',
  clock: { event: 'la-became-aware', date: '2026-12-21' },
  rule: '5 working days after 2026-12-21 (la-became-aware)',
  dueDate: '2026-12-30',
  dueAt: '2026-12-30T23:59:59.999Z',
  skipped: [
    { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
    { date: '2026-12-26', reason: 'weekend' },
  ],
  section: '§3, §5.2',
  statutory: true,
  target: { rule: '3 working days after 2026-12-21 (la-became-aware, target)', dueDate: '2026-12-24', dueAt: '2026-12-24T23:59:59.999Z' },
  reminders: [],
  computedAt: '2026-12-21T10:00:00.000Z',
};
const informed: Deadline = { ...christmas, obligationId: 'ssp-informed', obligation: 'Business Unit passes the referral to the SSP', section: '§4.6' };
const actionDue: Deadline = { ...christmas, obligationId: 'action-due', obligation: 'Improvement action completed', section: '§9.2, §16.2' };

const KINDS: ObligationNotice['kind'][] = ['referral-received', 'reminder', 'target-warning', 'escalation', 'breach', 'ssp-decision-shared', 'escalation-step', 'ssp-involved'];
const DEADLINE_KINDS: ObligationNotice['kind'][] = ['referral-received', 'reminder', 'target-warning', 'escalation', 'breach', 'escalation-step', 'ssp-involved'];

function notice(kind: ObligationNotice['kind'], deadline = christmas, extra: Partial<ObligationNotice> = {}): ObligationNotice {
  return { key: `${REF}:${deadline.obligationId}:1:${kind}`, caseReference: REF, kind, to: ['business-unit'], deadline, outcome: 'criteria-met', ...extra };
}
const alert: Notice = { key: `${REF}:operations-alert:x`, caseReference: REF, kind: 'operations-alert', to: ['operations'], reason: 'continue-as-new has waited 10 minutes' };
const every: Notice[] = [...KINDS.map((k) => notice(k)), ...KINDS.map((k) => notice(k, actionDue, { action: { actionId: 'A01', agency: 'Example Health Trust' } })), alert];

describe('every email has a text and an HTML part saying the same', () => {
  test.each(every.map((n) => [`${n.kind}${'action' in n && n.action ? ' (action)' : ''}`, n] as const))('%s', (_name, n) => {
    const { subject, text, html } = renderNotice(n, SENT, BASE, [], PARTNERSHIP);
    expect(htmlProblems(html)).toEqual([]);
    // Every line of the text part is in the HTML part's words, links and all.
    const words = htmlWords(html);
    for (const line of text.split('\n').filter(Boolean)) expect(words).toContain(line.replace(/^- /, ''));
    expect(text).toContain(REF);
    expect(subject.startsWith(`[${REF}`)).toBe(true);
    expect(`${text}${html}`).not.toMatch(/case system/i);
    // Every link is absolute, under PUBLIC_BASE_URL, and in the text part too, on a line of its own.
    const links = htmlLinks(html);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.startsWith(`${BASE}/cases/${REF}`)).toBe(true);
      expect(text.split('\n')).toContain(link);
    }
  });
});

describe('the deadline, the step and how it was counted', () => {
  test.each(DEADLINE_KINDS)('%s: in GOV.UK words, as the pages say them', (kind) => {
    const { text, html } = renderNotice(notice(kind), SENT, BASE);
    for (const part of [text, htmlWords(html)]) {
      expect(part).toContain(kind === 'breach' || kind === 'escalation-step' ? '11:59pm on Wednesday 30 December 2026' : 'by 11:59pm on Wednesday 30 December 2026');
      expect(part).toContain(`Step: ${christmas.obligation} (§3, §5.2).`);
      if (kind !== 'ssp-involved') {
        expect(part).toContain('How the deadline was counted: 5 working days after 2026-12-21 (la-became-aware), from Monday 21 December 2026. Days not counted: Friday 25 December 2026 (Christmas Day), Saturday 26 December 2026 (weekend). §3, §5.2, statutory.');
      }
      expect(part).not.toMatch(/UK time|the end of /);
    }
  });

  test('a target passed: the target in the same words', () => {
    const { text } = renderNotice(notice('target-warning'), SENT, BASE);
    expect(text).toContain('The target was by 11:59pm on Thursday 24 December 2026 (3 working days after 2026-12-21 (la-became-aware, target)).');
    expect(text).toContain('The limit: do it by 11:59pm on Wednesday 30 December 2026.');
  });

  test('a local-policy limit says so', () => {
    const { text } = renderNotice(notice('reminder', { ...christmas, statutory: false }), SENT, BASE);
    expect(text).toContain('§3, §5.2, local policy.');
  });

  test('a reminder says when it was sent, in London: 9am in summer time is 08:00 UTC', () => {
    const { text } = renderNotice(notice('reminder'), new Date('2026-07-06T08:00:00.000Z'), BASE);
    expect(text).toContain('sent at 9am on Monday 6 July 2026');
  });
});

describe('what to do, and where', () => {
  const casePage = `${BASE}/cases/${REF}`;

  test("the Business Unit's own step: the decision's form, then the case page", () => {
    const { text, html } = renderNotice(notice('reminder', informed), SENT, BASE);
    expect(text).toContain(`Record it on its form:\n${casePage}/decisions/ssp-informed`);
    expect(text.split('\n')).toContain(casePage);
    expect(htmlLinks(html)).toEqual([`${casePage}/decisions/ssp-informed`, casePage]);
  });

  test('a reader who may not record it (the Business Manager hears of a missed step): the case page', () => {
    const { text } = renderNotice(notice('escalation', informed, { to: ['business-manager', 'director-childrens-services'] }), SENT, BASE);
    expect(text).toContain(`Record it on the case page:\n${casePage}`);
    expect(text).not.toContain('/decisions/');
  });

  test('the form only where every reader may use it, and only for a step one decision meets', () => {
    expect(formOf(BASE, REF, 'ssp-informed', ['business-unit'])?.url).toBe(`${casePage}/decisions/ssp-informed`);
    expect(formOf(BASE, REF, 'ssp-informed', ['business-unit', 'ssp'])).toBeUndefined();
    expect(formOf(BASE, REF, 'ssp-decision', ['ssp'])?.url).toBe(`${casePage}/decisions/ssp-decision`);
    expect(formOf(BASE, REF, 'publication-kept', ['ssp'])).toBeUndefined();
    expect(formOf(BASE, REF, 'ssp-informed', [])).toBeUndefined();
  });

  test("an improvement action's step: the action page", () => {
    const { text } = renderNotice(notice('reminder', actionDue, { action: { actionId: 'A01', agency: 'Example Health Trust' } }), SENT, BASE);
    expect(text).toContain(`Record it on the action page:\n${casePage}/actions/A01`);
  });
});

describe('the HTML part', () => {
  test("GOV.UK Notify's look: the partnership's name in a black bar, Arial/Helvetica at 19px, a link styled as a link", () => {
    const { html } = renderNotice(notice('reminder'), SENT, BASE, [], PARTNERSHIP);
    expect(html).toMatch(/background-color:#0b0c0c;[^>]*><span[^>]*color:#ffffff;[^>]*>Example Safeguarding Partnership<\/span>/);
    expect(html).toContain('font-family:Helvetica,Arial,sans-serif;font-size:19px');
    expect(html).toMatch(/<a href="https:\/\/staff\.partnership\.example\.org\/cases\/DSP-2026-0042\/decisions\/national-notification" style="color:#1d70b8;text-decoration:underline;">/);
    expect(html).toContain('<html lang="en">');
  });

  test('everything put in it is escaped: names from the directory, the reason of an alert', () => {
    const agency = 'Health & <Care> "Trust"';
    const n = notice('escalation', actionDue, { action: { actionId: 'A01', agency } });
    const { text, html } = renderNotice(n, SENT, BASE, ["head-of-service of <b>x</b>"], 'Partners & <Co>');
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain('Health &amp; &lt;Care&gt; &quot;Trust&quot;');
    expect(html).toContain('Partners &amp; &lt;Co&gt;');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<Care>');
    expect(text).toContain(agency);
    const ops = renderNotice({ ...alert, reason: '<script>alert(1)</script>' } as Notice, SENT, BASE);
    expect(htmlProblems(ops.html)).toEqual([]);
    expect(ops.html).not.toContain('<script>');
  });

  test('the layout: the same blocks give the same words in both parts', () => {
    const blocks: EmailBlock[] = [
      { kind: 'heading', text: 'A & B' },
      { kind: 'list', items: ['one', 'two <2>'] },
      { kind: 'link', lead: 'Go:', url: 'https://x.example/a?b=1&c=2' },
    ];
    expect(renderText(blocks)).toBe('A & B\n\n- one\n- two <2>\n\nGo:\nhttps://x.example/a?b=1&c=2');
    const html = renderHtml({ subject: 's', blocks }, 'P');
    expect(htmlProblems(html)).toEqual([]);
    expect(htmlLinks(html)).toEqual(['https://x.example/a?b=1&c=2']);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('the well-formedness check finds what it is for', () => {
    expect(htmlProblems('<p><b>x</p></b>')).not.toEqual([]);
    expect(htmlProblems('<p>a < b</p>')).not.toEqual([]);
    expect(htmlProblems('<p>a & b</p>')).not.toEqual([]);
    expect(htmlProblems('<p>x')).not.toEqual([]);
    expect(htmlProblems('<p><img src="https://x.example/t.gif" /></p>')).not.toEqual([]);
  });
});

test.each(KINDS)('%s: none of the referral form’s personal details in either part', (kind) => {
  const form = validReferralForm();
  const child = form.children[0]!;
  const personal = [child.fullName, child.dateOfBirth, child.address, child.postcode, form.referrer.fullName, form.referrer.email, form.referrer.telephone, form.parents[0]!.lastName];
  const { subject, text, html } = renderNotice(notice(kind), SENT, BASE, [], PARTNERSHIP);
  for (const value of personal) for (const part of [subject, text, html, htmlWords(html)]) expect(part).not.toContain(value);
});
