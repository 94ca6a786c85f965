// The notification of a care leaver's death (Working Together 2023, chapter 5) on the staff pages:
// chosen on the referral's start page, kept as a draft like the referral (sealed in the register,
// its starter's alone, a random ID: nothing about the person is ever in an address, a title or a
// log), one page of questions in four parts, check your answers, then sent through the case service
// and confirmed with the case reference. The age on the date of death is checked on the page and
// again by the service: 25 or older is refused with the reason, by the dates it is about.
import express, { type Request, type Response } from 'express';
import type { Actor } from '../../domain/roles';
import { londonDateAt } from '../../domain/working-days-late';
import type { Services } from '../../services';
import { Refused, RegisterUnavailable, TemporalUnavailable } from '../../services';
import { caseReferenceOf } from '../../services/cases';
import { FormErrors } from '../forms/errors';
import { personOf } from '../people';
import { readCareLeaver } from './care-leaver-read';
import { CARE_LEAVER_PAGE, CARE_LEAVER_PARTS } from './care-leaver-sections';
import { typedFromBody, type TypedValues } from './referral-form-read';
import { answersOf, sectionView } from './referral-form-view';

declare module 'express-session' {
  interface SessionData {
    /** Care leaver notifications this session sent, by draft ID: only they see the confirmation. */
    sentCareLeaverDeaths?: Record<string, { ref: string; referralNeeded: boolean }>;
  }
}

/** What the draft keeps: its kind (the referral's pages send it here) and what was typed. */
export const CARE_LEAVER_DRAFT_KIND = 'care-leaver-death';
interface CareLeaverDraft {
  kind: typeof CARE_LEAVER_DRAFT_KIND;
  /** Shown with its problems once it has been saved to continue. */
  shown?: boolean;
  v: TypedValues;
}

export const careLeaverDraftBase = (draftId: string) => `/care-leaver-deaths/drafts/${draftId}`;

function asDraft(data: Record<string, unknown>): CareLeaverDraft {
  const v = data.v;
  return { kind: CARE_LEAVER_DRAFT_KIND, shown: data.shown === true, v: typeof v === 'object' && v !== null ? (v as TypedValues) : {} };
}

function renderForm(res: Response, draftId: string, draft: CareLeaverDraft, errors: FormErrors, status = 200): void {
  res.status(status).render('pages/care-leaver/form', {
    pageTitle: 'Notify the death of a care leaver',
    errorTitle: errors.any,
    errorSummary: errors.any ? errors.summary() : undefined,
    base: careLeaverDraftBase(draftId),
    parts: CARE_LEAVER_PARTS.map((part) => ({ slug: part.slug, title: part.title, caption: part.caption, ...sectionView(part, { savedAt: '', shown: false, v: draft.v, l: {} }, errors) })),
  });
}

function renderCheckAnswers(res: Response, draftId: string, draft: CareLeaverDraft, errors: FormErrors, status = 200, sendProblem?: string): void {
  const base = careLeaverDraftBase(draftId);
  const typed = Object.fromEntries(CARE_LEAVER_PARTS.map((p) => [p.slug, { savedAt: '', shown: true, v: draft.v, l: {} }]));
  const errorList = sendProblem ? [{ text: sendProblem, href: '#send' }] : errors.list.map((e) => ({ text: e.text, href: `${base}#${e.href}` }));
  res.status(status).render('pages/care-leaver/check-answers', {
    pageTitle: 'Check your answers before sending the notification',
    errorTitle: errorList.length > 0,
    errorSummary: errorList.length ? { titleText: 'There is a problem', errorList } : undefined,
    canSend: !errors.any,
    referralNeeded: draft.v.abuseOrNeglectSuspected === 'yes',
    base,
    // Each part's "Change" goes back to its place on the one page.
    answers: answersOf(CARE_LEAVER_PARTS, typed, base).map((a, i) => ({ ...a, card: { ...a.card, actions: { items: [{ ...a.card.actions.items[0]!, href: `${base}#${CARE_LEAVER_PARTS[i]!.slug}` }] } } })),
  });
}

/** A refusal or an outage while sending, in plain words: the draft is kept either way. */
function sendProblemWords(err: unknown): { status: number; text: string } | undefined {
  const outage = err instanceof TemporalUnavailable || err instanceof RegisterUnavailable || (err instanceof Refused && err.status === 503);
  if (outage) return { status: 503, text: 'The notification has not been sent yet: part of the service did not answer in time. Your draft is kept. Try sending it again in a few minutes; it will not be sent twice.' };
  if (err instanceof Refused && err.status !== 404) {
    const problems = (err.problems ?? []).map((p) => p.message).join('; ');
    return { status: err.status, text: `The notification could not be sent: ${err.message}${problems ? ` (${problems})` : ''}. Your draft is kept.` };
  }
  return undefined;
}

export function careLeaverPages(services: Services, now: () => Date = () => new Date()): express.Router {
  const router = express.Router();
  const drafts = services.referralDrafts;
  const load = async (person: Actor, draftId: string) => asDraft((await drafts.read(person, draftId)).data);
  const today = () => londonDateAt(now().getTime());

  router.get('/care-leaver-deaths/drafts/:draftId', async (req, res) => {
    const draftId = String(req.params.draftId);
    const draft = await load(personOf(res), draftId);
    const show = draft.shown || req.query.show === 'problems';
    renderForm(res, draftId, draft, show ? readCareLeaver(draft.v, today()).errors : new FormErrors());
  });

  router.post('/care-leaver-deaths/drafts/:draftId', async (req, res) => {
    const person = personOf(res);
    const draftId = String(req.params.draftId);
    await load(person, draftId);
    const body = req.body as Record<string, unknown>;
    const action = String(body.action ?? '');
    const draft: CareLeaverDraft = { kind: CARE_LEAVER_DRAFT_KIND, shown: action === 'continue', v: typedFromBody(CARE_LEAVER_PAGE, body, now()).v };
    // Saved whatever its problems: what was typed is not lost.
    await drafts.save(person, draftId, { ...draft });
    if (action === 'later') return res.redirect(303, '/referrals/drafts?saved=1');
    const { errors } = readCareLeaver(draft.v, today());
    if (errors.any) return renderForm(res, draftId, draft, errors, 400);
    res.redirect(303, `${careLeaverDraftBase(draftId)}/check-answers`);
  });

  router.get('/care-leaver-deaths/drafts/:draftId/check-answers', async (req, res) => {
    const draftId = String(req.params.draftId);
    const draft = await load(personOf(res), draftId);
    renderCheckAnswers(res, draftId, draft, readCareLeaver(draft.v, today()).errors);
  });

  router.post('/care-leaver-deaths/drafts/:draftId/check-answers', async (req, res) => {
    const person = personOf(res);
    const draftId = String(req.params.draftId);
    const sent = req.session.sentCareLeaverDeaths?.[draftId];
    let draft: CareLeaverDraft;
    try {
      draft = await load(person, draftId);
    } catch (err) {
      // Sent already (a second "Send"): its confirmation.
      if (err instanceof Refused && err.status === 404 && sent) return res.redirect(303, `/care-leaver-deaths/sent/${sent.ref}`);
      throw err;
    }
    const { form, errors } = readCareLeaver(draft.v, today());
    if (!form) return renderCheckAnswers(res, draftId, draft, errors, 400);
    try {
      // Under a key from the draft's ID: a second submission, or a retry after an outage, finds its case.
      const opened = await services.cases.openCareLeaverDeath(person, { careLeaverDeath: form }, `care-leaver-draft:${draftId}`);
      req.session.sentCareLeaverDeaths = { ...req.session.sentCareLeaverDeaths, [draftId]: { ref: opened.caseReference, referralNeeded: form.abuseOrNeglectSuspected } };
      // The case is open: a draft left behind by an outage here is swept after its 30 days, and sent again it finds the same case.
      await drafts.discard(person, draftId).catch(() => undefined);
      res.redirect(303, `/care-leaver-deaths/sent/${opened.caseReference}`);
    } catch (err) {
      const problem = sendProblemWords(err);
      if (!problem) throw err;
      if (problem.status === 503) res.setHeader('Retry-After', '30');
      renderCheckAnswers(res, draftId, draft, new FormErrors(), problem.status, problem.text);
    }
  });

  router.get('/care-leaver-deaths/sent/:caseReference', async (req: Request, res, next) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    // Only the session that sent it sees its confirmation.
    const sent = Object.values(req.session.sentCareLeaverDeaths ?? {}).find((s) => s.ref === ref);
    if (!sent) return next();
    const mayRead = await services.cases.readCaseView(personOf(res), ref).then(
      () => true,
      () => false,
    );
    res.render('pages/care-leaver/sent', { pageTitle: 'Notification sent', ref, mayRead, referralNeeded: sent.referralNeeded });
  });

  return router;
}
