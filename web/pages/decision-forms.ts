// One form per decision a person may record now, on a case or on one of its improvement actions,
// generated from the decision tables (web/forms/decision-form.ts) and said in the procedure's
// words (domain/decision-words.ts). The case service records it, exactly as for the JSON API: the
// same checks, the same refusals, the same idempotency (the form's own key, so a second press of
// the button records nothing twice). An irreversible decision is shown back for confirmation
// first. After it, the case or action page says what was recorded and what is now due.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { z } from 'zod';
import { actionRoleRefusal, ACTION_DECISIONS, isActionDecisionName } from '../../domain/action';
import type { CaseStatus, DecisionResult } from '../../domain/case';
import { ACTION_DECISION_WORDS, DECISION_WORDS, decisionWordsIn, type DecisionWords } from '../../domain/decision-words';
import { decisionRule, isDecisionName, roleRefusal } from '../../domain/decisions';
import { obligationRule } from '../../domain/rulebook';
import type { Actor } from '../../domain/roles';
import { Refused, RegisterUnavailable, TemporalUnavailable, type Services } from '../../services';
import { actionIdOf } from '../../services/actions';
import { caseReferenceOf } from '../../services/cases';
import type { UpdateOutcome } from '../../services/through-update';
import { FormErrors } from '../forms/errors';
import { answersOf, formFields, postedOf, readForm, rowCountsOf, problemsOnForm, type FormDirectory, type Posted } from '../forms/decision-form';
import { govukDateTime, govukDate } from '../format';
import { personOf } from '../people';

/** A decision form's subject: what it is about, how to record it, where to go after. */
export interface Target {
  ref: string;
  name: string;
  words: DecisionWords;
  schema: z.ZodType;
  /** "Case DSP-2026-0001" or "Action A01 of case DSP-2026-0001". */
  caption: string;
  back: string;
  /** What the decision meets and by when, if anything. */
  meets?: string | undefined;
  record: (payload: Record<string, unknown>, key: string, requestId: string) => Promise<UpdateOutcome<object>>;
  /** What is now due, for the banner on the page it returns to. */
  dueAfter: (answer: object) => string[];
  /** What the form shows filled in when it first opens (§6.5: the agencies the referral names). */
  initial?: Posted | undefined;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** The form's own idempotency key: made when the form is shown, sent back with it. */
const FORM_KEY = /^[0-9a-f-]{36}$/;

export function caseDue(answer: object): string[] {
  const result = answer as Partial<DecisionResult>;
  const due = result.due ?? [];
  const opened = new Set((result.changed ?? []).filter((o) => o.status === 'open').map((o) => o.id));
  const first = due.filter((o) => opened.has(o.id));
  return (first.length ? first : due.slice(0, 3)).map((o) => `${sentence(o.obligation)}: due by ${govukDateTime(o.dueAt)}.`);
}

function actionDue(answer: object): string[] {
  const a = answer as { status?: string; deadline?: string };
  if (a.status && a.status !== 'open') return [`The action is now ${a.status}.`];
  return a.deadline ? [`The action is due by ${govukDate(a.deadline)}.`] : [];
}

/**
 * The case decision the person may record now, or the "not found" page's refusal. A form sent
 * after the case moved on (another person recorded first) goes to the case service all the same,
 * which refuses it with its reason.
 */
async function caseTarget(services: Services, req: Request, res: Response, sent = false): Promise<Target> {
  const person: Actor = personOf(res);
  const ref = caseReferenceOf(String(req.params.caseReference));
  const name = String(req.params.decision);
  const read = await services.cases.readCaseView(person, ref);
  if (read.view !== 'whole' || !isDecisionName(name)) throw new Refused(404, 'UnknownDecision', 'No such form');
  if (roleRefusal(name, person.role)) throw new Refused(404, 'UnknownDecision', 'No such form');
  // Theirs to record, but not now: an email's link followed after the step was recorded (or before
  // it opens). The case page says what is due instead of a dead end.
  const words = decisionWordsIn(read.status.rulebookVersion, name);
  if (!sent && !read.decisionsOpen.includes(name)) throw new FormNotOpen(`/cases/${ref}`, words.title);
  const rule = decisionRule(name);
  // §6.5: the request's form offers first the agencies section 7 of the referral names.
  const suggested = name === 'rapid-review-information-requested' ? await services.returns.suggestedAgencies(person, ref, read.status) : [];
  return {
    ref,
    name,
    initial: suggested.length ? suggestedRows(suggested) : undefined,
    words,
    schema: rule.schema(),
    caption: `Case ${ref}`,
    back: `/cases/${ref}`,
    meets: rule.meets ? meetsWords(read.status, rule.meets) : undefined,
    record: (payload, key, requestId) => services.cases.recordDecision(ref, name, { actor: person, body: payload, idempotencyKey: key, requestId }),
    dueAfter: caseDue,
  };
}

async function actionTarget(services: Services, req: Request, res: Response, sent = false): Promise<Target> {
  const person: Actor = personOf(res);
  const ref = caseReferenceOf(String(req.params.caseReference));
  const actionId = actionIdOf(String(req.params.actionId));
  const name = String(req.params.decision);
  // Read first: an action owner of another agency is told there is no such action.
  const action = await services.actions.readAction(person, ref, actionId);
  if (!isActionDecisionName(name) || actionRoleRefusal(name, person.role)) throw new Refused(404, 'UnknownDecision', 'No such form');
  if (!sent && action.status !== 'open') throw new FormNotOpen(`/cases/${ref}/actions/${actionId}`, ACTION_DECISION_WORDS[name].title);
  return {
    ref,
    name,
    words: ACTION_DECISION_WORDS[name],
    schema: ACTION_DECISIONS[name].schema(),
    caption: `Action ${actionId} of case ${ref}`,
    back: `/cases/${ref}/actions/${actionId}`,
    record: (payload, key, requestId) => services.actions.recordActionDecision(ref, actionId, name, { actor: person, body: payload, idempotencyKey: key, requestId }),
    dueAfter: actionDue,
  };
}

export function render(res: Response, t: Target, directory: FormDirectory, posted: Posted, errors: FormErrors, status = 200): void {
  const fields = formFields(t.schema, directory, rowCountsOf(posted));
  res.status(status).render('pages/decision-form', {
    pageTitle: `Record ${t.words.title} - ${t.caption}`,
    errorTitle: errors.any,
    heading: sentence(`record ${t.words.title}`),
    caption: t.caption,
    words: t.words,
    meets: t.meets,
    back: t.back,
    fields,
    values: posted,
    errors: errors.byKey(),
    errorSummary: errors.any ? errors.summary() : undefined,
    formKey: FORM_KEY.test(posted._formKey ?? '') ? posted._formKey : randomUUID(),
    // §5.2: the online form's answers, prepared from the referral (web/pages/notification-pack.ts).
    notificationPack: t.name === 'national-notification' && t.back === `/cases/${t.ref}` ? `/cases/${t.ref}/notification-pack` : undefined,
  });
}

function confirm(res: Response, t: Target, directory: FormDirectory, posted: Posted, payload: Record<string, unknown>): void {
  const fields = formFields(t.schema, directory, rowCountsOf(posted));
  const carried = Object.entries(posted).filter(([k]) => !k.startsWith('_') && k !== 'add' && k !== 'remove');
  res.render('pages/decision-confirm', {
    pageTitle: `Check and confirm: ${t.words.title} - ${t.caption}`,
    heading: sentence(`check and confirm ${t.words.title}`),
    caption: t.caption,
    words: t.words,
    back: t.back,
    answers: answersOf(fields, payload),
    carried,
    formKey: posted._formKey,
  });
}

export async function post(req: Request, res: Response, t: Target, directory: FormDirectory): Promise<void> {
  const posted = postedOf(req.body);
  if (!FORM_KEY.test(posted._formKey ?? '')) posted._formKey = randomUUID();
  // "Add another" and "Remove" show the form again with a row more or less; nothing is sent.
  if (posted.add) return render(res, t, directory, withRowAdded(posted, posted.add), new FormErrors());
  if (posted.remove) return render(res, t, directory, withRowRemoved(posted, posted.remove), new FormErrors());
  if (posted._change) return render(res, t, directory, posted, new FormErrors());
  const errors = new FormErrors();
  const fields = formFields(t.schema, directory, rowCountsOf(posted));
  const payload = readForm(fields, posted, errors);
  if (errors.any) return render(res, t, directory, posted, errors, 400);
  if (t.words.irreversible && posted._confirmed !== 'yes') return confirm(res, t, directory, posted, payload);
  try {
    const outcome = await t.record(payload, `web-${posted._formKey}`, String(res.locals.requestId ?? randomUUID()));
    req.session.notice =
      outcome.kind === 'accepted'
        ? { heading: `Decision accepted: ${t.words.done}`, lines: ['It is being applied and will show here shortly.'] }
        : { heading: `Decision recorded: ${t.words.done}`, lines: t.dueAfter(outcome.answer) };
    res.redirect(303, t.back);
  } catch (err) {
    if (err instanceof Refused && err.status !== 404 && err.status !== 403) {
      if (err.problems?.length) problemsOnForm(fields, err.problems, errors);
      else errors.add('form', `${inWords(err.message)}. Nothing was recorded.`, 'main-content');
      return render(res, t, directory, posted, errors, err.status);
    }
    if (err instanceof TemporalUnavailable || err instanceof RegisterUnavailable || (err instanceof Refused && err.status === 503)) {
      errors.add('form', 'The case engine did not answer in time, so this may not have been recorded. Send the form again: it will not be recorded twice.', 'main-content');
      res.setHeader('Retry-After', '30');
      return render(res, t, directory, posted, errors, 503);
    }
    throw err;
  }
}

/** A form the person may use, but not now: its case (or action) page, saying why, instead. */
export class FormNotOpen extends Error {
  constructor(
    readonly location: string,
    readonly title: string,
  ) {
    super('form not open now');
  }
}

/** Shows a form; one not open now sends the person to its page with the reason in a banner. */
export async function show(req: Request, res: Response, target: () => Promise<Target>, directory: FormDirectory): Promise<void> {
  try {
    const t = await target();
    render(res, t, directory, t.initial ?? {}, new FormErrors());
  } catch (err) {
    if (!(err instanceof FormNotOpen)) throw err;
    req.session.notice = { important: true, heading: `There is nothing to record for ${err.title} now`, lines: ['It may have been recorded already, or the case may not have reached it yet. This page shows what is due, and by when.'] };
    res.redirect(303, err.location);
  }
}

export function decisionForms(services: Services, directory: FormDirectory): express.Router {
  const router = express.Router();
  router.get('/cases/:caseReference/decisions/:decision', (req, res) => show(req, res, () => caseTarget(services, req, res), directory));
  router.post('/cases/:caseReference/decisions/:decision', async (req, res) => post(req, res, await caseTarget(services, req, res, true), directory));
  router.get('/cases/:caseReference/actions/:actionId/decisions/:decision', (req, res) => show(req, res, () => actionTarget(services, req, res), directory));
  router.post('/cases/:caseReference/actions/:actionId/decisions/:decision', async (req, res) => post(req, res, await actionTarget(services, req, res, true), directory));
  return router;
}

/** A refusal's words, each decision's name in it said as its form names it ("ssp-informed" → "the SSP informed"). */
function inWords(message: string): string {
  const words: Record<string, DecisionWords> = { ...DECISION_WORDS, ...ACTION_DECISION_WORDS };
  return message.replace(/\b[a-z]+(?:-[a-z]+)+\b/g, (name) => (words[name] ? `“${sentence(words[name].title)}”` : name));
}

/** "It meets: the SSP's decision (§4.6), due by 11:59pm on ...". */
function meetsWords(status: CaseStatus, obligationId: string): string {
  const rule = obligationRule(status.rulebookVersion, obligationId as never);
  const open = [...status.open, ...status.missed].find((o) => o.id === obligationId);
  const due = open ? `, due by ${govukDateTime(open.dueAt)}${open.status === 'missed' ? ' (missed)' : ''}` : '';
  return `${rule.obligation} (${rule.section})${due}`;
}

/** The request's list of agencies, one row each, as the form posts it. */
function suggestedRows(agencies: readonly string[]): Posted {
  return Object.fromEntries([['agencies-rows', String(agencies.length)], ...agencies.map((a, i) => [`agencies-${i + 1}-agency`, a])]);
}

function withRowAdded(posted: Posted, list: string): Posted {
  const rows = Number(posted[`${list}-rows`] ?? '1') || 1;
  return { ...posted, [`${list}-rows`]: String(rows + 1) };
}

/** The list's row removed, the rows after it moved up one (their fields renamed). */
function withRowRemoved(posted: Posted, row: string): Posted {
  const m = /^(.+)-(\d{1,3})$/.exec(row);
  if (!m) return posted;
  const [, list, removed] = m as unknown as [string, string, string];
  const at = Number(removed);
  const out: Posted = {};
  for (const [k, v] of Object.entries(posted)) {
    const item = new RegExp(`^${list.replace(/[^A-Za-z0-9-]/g, '')}-(\\d{1,3})-(.+)$`).exec(k);
    if (!item) out[k] = v;
    else if (Number(item[1]) < at) out[k] = v;
    else if (Number(item[1]) > at) out[`${list}-${Number(item[1]) - 1}-${item[2]}`] = v;
  }
  const rows = Number(posted[`${list}-rows`] ?? '1') || 1;
  out[`${list}-rows`] = String(Math.max(1, rows - 1));
  delete out.remove;
  return out;
}
