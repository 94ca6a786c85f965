// The referral form (Appendix 1) on the staff pages, in GOV.UK's "complete multiple tasks" pattern:
// starting a referral makes a draft (a random ID: nothing about the child is ever in an address,
// a title or a log); a task list links a page per section; each page saves what was typed, even
// with problems, so a long form is not lost; check your answers, then it is sent through the case
// service (§4.5: to the Business Unit) and a confirmation gives the case reference. A draft is its
// starter's alone: anyone else gets "Page not found".
import express, { type Request, type Response } from 'express';
import type { Actor } from '../../domain/roles';
import type { Services } from '../../services';
import { Refused, RegisterUnavailable, TemporalUnavailable } from '../../services';
import { caseReferenceOf } from '../../services/cases';
import { DRAFT_LIFETIME_DAYS } from '../../register/referral-drafts';
import { FormErrors } from '../forms/errors';
import { govukDate, govukDateTime } from '../format';
import { personOf } from '../people';
import { isNeeded, readReferral, routeOf, typedFromBody, type DraftData, type SectionProblem } from './referral-form-read';
import { SECTIONS, sectionOf, type Section } from './referral-form-sections';
import { answersOf, sectionView } from './referral-form-view';
import { maySendReferral } from '../../domain/access';
import { CARE_LEAVER_DRAFT_KIND, careLeaverDraftBase } from './care-leaver-form';

declare module 'express-session' {
  interface SessionData {
    /** Referrals this session sent, by draft ID: a second "Send" finds its case, and only they see its confirmation. */
    sentReferrals?: Record<string, string>;
  }
}

const draftBase = (draftId: string) => `/referrals/drafts/${draftId}`;

function asDraft(data: Record<string, unknown>): DraftData {
  const sections = data.sections;
  return { sections: typeof sections === 'object' && sections !== null ? (sections as DraftData['sections']) : {} };
}

/** The problems of one section, in a FormErrors for its page. */
function errorsFor(problems: readonly SectionProblem[], slug: string): FormErrors {
  const errors = new FormErrors();
  problems.filter((p) => p.section === slug && !p.key.endsWith('-not-started')).forEach((p) => errors.add(p.key, p.text, p.href));
  return errors;
}

function statusOf(section: Section, data: DraftData, problems: readonly SectionProblem[]) {
  if (!isNeeded(section, data) && !data.sections[section.slug]) return { text: routeOf(data) ? 'Not needed' : 'Not yet started', classes: 'govuk-task-list__status--cannot-start-yet' };
  if (!data.sections[section.slug]) return { tag: { text: 'Not yet started', classes: 'govuk-tag--blue' } };
  if (problems.some((p) => p.section === section.slug)) return { tag: { text: 'Incomplete', classes: 'govuk-tag--light-blue' } };
  return { text: 'Completed' };
}

function renderSection(res: Response, draftId: string, section: Section, data: DraftData, errors: FormErrors, status = 200): void {
  const view = sectionView(section, data.sections[section.slug], errors);
  res.status(status).render('pages/referral/section', {
    pageTitle: `${section.title}: referral form`,
    errorTitle: errors.any,
    errorSummary: errors.any ? errors.summary() : undefined,
    base: draftBase(draftId),
    section,
    ...view,
  });
}

function renderCheckAnswers(res: Response, draftId: string, data: DraftData, problems: readonly SectionProblem[], status = 200, sendProblem?: string): void {
  const base = draftBase(draftId);
  const errorList = sendProblem
    ? [{ text: sendProblem, href: '#send' }]
    : problems.map((p) => ({ text: p.text, href: `${base}/${p.section}?show=problems#${p.href}` }));
  res.status(status).render('pages/referral/check-answers', {
    pageTitle: 'Check your answers before sending the referral',
    errorTitle: errorList.length > 0,
    errorSummary: errorList.length ? { titleText: 'There is a problem', errorList } : undefined,
    canSend: problems.length === 0,
    base,
    answers: answersOf(SECTIONS, data.sections, base),
  });
}

/** A refusal or an outage while sending, in plain words: the draft is kept either way. */
function sendProblemWords(err: unknown): { status: number; text: string } | undefined {
  const outage = err instanceof TemporalUnavailable || err instanceof RegisterUnavailable || (err instanceof Refused && err.status === 503);
  if (outage) {
    return {
      status: 503,
      text: 'The referral has not been sent yet: part of the service did not answer in time. Your draft is kept. Try sending it again in a few minutes; it will not be sent twice.',
    };
  }
  if (err instanceof Refused && err.status !== 404) {
    const problems = (err.problems ?? []).map((p) => p.message).join('; ');
    return { status: err.status, text: `The referral could not be sent: ${err.message}${problems ? ` (${problems})` : ''}. Your draft is kept.` };
  }
  return undefined;
}

async function sentOrNotFound(req: Request, res: Response, draftId: string, err: unknown): Promise<void> {
  const sent = req.session.sentReferrals?.[draftId];
  if (err instanceof Refused && err.status === 404 && sent) return res.redirect(303, `/referrals/sent/${sent}`);
  throw err;
}

/** A section's page: shown with its problems once it has been saved to continue; saved on every post. */
function sectionRoutes(router: express.Router, services: Services, now: () => Date): void {
  const drafts = services.referralDrafts;
  const load = async (person: Actor, draftId: string) => asDraft((await drafts.read(person, draftId)).data);

  router.get('/referrals/drafts/:draftId/:section', async (req, res, next) => {
    const section = sectionOf(String(req.params.section));
    if (!section) return next();
    const draftId = String(req.params.draftId);
    const data = await load(personOf(res), draftId);
    const show = data.sections[section.slug]?.shown || req.query.show === 'problems';
    renderSection(res, draftId, section, data, show ? errorsFor(readReferral(data).problems, section.slug) : new FormErrors());
  });

  router.post('/referrals/drafts/:draftId/:section', async (req, res, next) => {
    const section = sectionOf(String(req.params.section));
    if (!section) return next();
    const person = personOf(res);
    const draftId = String(req.params.draftId);
    const data = await load(person, draftId);
    const typed = typedFromBody(section, req.body as Record<string, unknown>, now());
    data.sections[section.slug] = typed;
    // Saved whatever its problems: a long form must not lose work.
    await drafts.save(person, draftId, { ...data });
    const action = String((req.body as Record<string, unknown>).action ?? '');
    const base = draftBase(draftId);
    if (action === 'later') return res.redirect(303, '/referrals/drafts?saved=1');
    if (action.startsWith('add:')) {
      const prefix = action.slice(4);
      const count = typed.l[prefix]?.length ?? 0;
      return res.redirect(303, `${base}/${section.slug}#${prefix}-${Math.max(count - 1, 0)}`);
    }
    if (action.startsWith('remove:')) return res.redirect(303, `${base}/${section.slug}#${action.split(':')[1]}-list`);
    const errors = errorsFor(readReferral(data).problems, section.slug);
    if (errors.any) return renderSection(res, draftId, section, data, errors, 400);
    res.redirect(303, base);
  });
}

export function referralFormPages(services: Services, now: () => Date = () => new Date()): express.Router {
  const router = express.Router();
  const drafts = services.referralDrafts;
  const load = async (person: Actor, draftId: string) => asDraft((await drafts.read(person, draftId)).data);

  router.get('/referrals/new', (_req, res) => {
    if (!maySendReferral(personOf(res))) throw new Refused(403, 'RoleNotAllowed', 'Only the Business Unit and a referring agency send a referral');
    // WT 2023 ch. 5: the death of a care leaver is offered only where the partnership's rulebook has it.
    res.render('pages/referral/start', { pageTitle: 'Send a referral', careLeaverPathOpen: services.cases.careLeaverPathOpen() });
  });

  router.post('/referrals/new', async (req, res) => {
    const draftId = await drafts.start(personOf(res));
    // WT 2023 ch. 5: the death of a care leaver has a form of its own (web/pages/care-leaver-form.ts).
    if ((req.body as Record<string, unknown>).kind === CARE_LEAVER_DRAFT_KIND) {
      await drafts.save(personOf(res), draftId, { kind: CARE_LEAVER_DRAFT_KIND });
      return res.redirect(303, careLeaverDraftBase(draftId));
    }
    res.redirect(303, draftBase(draftId));
  });

  router.get('/referrals/drafts', async (req, res) => {
    const list = await drafts.list(personOf(res));
    res.render('pages/referral/drafts', {
      pageTitle: 'Your draft referrals',
      saved: req.query.saved === '1',
      lifetimeDays: DRAFT_LIFETIME_DAYS,
      drafts: list.map((d, i) => ({
        href: draftBase(d.draftId),
        name: `Draft referral ${i + 1}`,
        started: govukDateTime(d.createdAt),
        saved: govukDateTime(d.updatedAt),
        deleteBy: govukDate(new Date(Date.parse(d.createdAt) + DRAFT_LIFETIME_DAYS * 86_400_000).toISOString()),
      })),
    });
  });

  router.get('/referrals/drafts/:draftId', async (req, res) => {
    const draftId = String(req.params.draftId);
    const raw = (await drafts.read(personOf(res), draftId)).data;
    if (raw.kind === CARE_LEAVER_DRAFT_KIND) return res.redirect(303, careLeaverDraftBase(draftId));
    const data = asDraft(raw);
    const { problems } = readReferral(data);
    const base = draftBase(draftId);
    res.render('pages/referral/task-list', {
      pageTitle: 'Send a referral: the referral form',
      base,
      completed: SECTIONS.filter((s) => statusOf(s, data, problems).text === 'Completed').length,
      needed: SECTIONS.filter((s) => isNeeded(s, data)).length,
      items: SECTIONS.map((s) => ({ title: { text: `${s.caption}: ${s.title}` }, href: `${base}/${s.slug}`, status: statusOf(s, data, problems) })),
    });
  });

  router.get('/referrals/drafts/:draftId/check-answers', async (req, res) => {
    const draftId = String(req.params.draftId);
    const data = await load(personOf(res), draftId);
    renderCheckAnswers(res, draftId, data, readReferral(data).problems);
  });

  router.post('/referrals/drafts/:draftId/check-answers', async (req, res) => {
    const person = personOf(res);
    const draftId = String(req.params.draftId);
    let data: DraftData;
    try {
      data = await load(person, draftId);
    } catch (err) {
      return sentOrNotFound(req, res, draftId, err);
    }
    const { referral, problems, valid } = readReferral(data);
    if (!valid) return renderCheckAnswers(res, draftId, data, problems, 400);
    try {
      const opened = await drafts.send(person, draftId, referral);
      req.session.sentReferrals = { ...req.session.sentReferrals, [draftId]: opened.caseReference };
      res.redirect(303, `/referrals/sent/${opened.caseReference}`);
    } catch (err) {
      const problem = sendProblemWords(err);
      if (!problem) return sentOrNotFound(req, res, draftId, err);
      if (problem.status === 503) res.setHeader('Retry-After', '30');
      renderCheckAnswers(res, draftId, data, [], problem.status, problem.text);
    }
  });

  sectionRoutes(router, services, now);

  router.get('/referrals/sent/:caseReference', async (req, res, next) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    // Only the session that sent it sees its confirmation.
    if (!Object.values(req.session.sentReferrals ?? {}).includes(ref)) return next();
    const mayRead = await services.cases.readCaseView(personOf(res), ref).then(
      () => true,
      () => false,
    );
    res.render('pages/referral/sent', { pageTitle: 'Referral sent', ref, mayRead });
  });

  return router;
}


