// The notification pack of a case as a page (§5.2): the answers the DfE's online notification form
// asks for, in its order, each to copy; what the referral does not say listed first, so it is
// found before anyone opens that form (it saves nothing and times out after 20 minutes). The case
// service decides who may read it and records each reading (services/notification-pack.ts).
import express from 'express';
import { roleRefusal } from '../../domain/decisions';
import type { PackQuestion } from '../../domain/notification-pack';
import type { Services } from '../../services';
import { caseReferenceOf } from '../../services/cases';
import { personOf } from '../people';

/** The DfE's notification service (GOV.UK "Report a serious child safeguarding incident"). */
export const ONLINE_FORM = 'https://childsafeguarding.education.gov.uk/';

/** The questions in their groups, in order; each answer as its lines. */
function grouped(questions: readonly PackQuestion[]) {
  const groups: Array<{ title: string; questions: Array<PackQuestion & { lines: string[] }> }> = [];
  for (const q of questions) {
    let group = groups[groups.length - 1];
    if (group?.title !== q.group) groups.push((group = { title: q.group, questions: [] }));
    group.questions.push({ ...q, lines: q.answer === null ? [] : q.answer.split('\n') });
  }
  return groups;
}

export function notificationPackPage(services: Services): express.Router {
  const router = express.Router();
  router.get('/cases/:caseReference/notification-pack', async (req, res) => {
    const person = personOf(res);
    const ref = caseReferenceOf(String(req.params.caseReference));
    const pack = await services.notificationPack(person, ref);
    res.render('pages/notification-pack', {
      // No personal data in the title: it reaches browser history and tabs.
      pageTitle: `Notification pack - case ${ref}`,
      ref,
      groups: grouped(pack.questions),
      missing: pack.missing,
      onlineForm: ONLINE_FORM,
      // The link only: the decision's form and the case refuse anyone else.
      recordHref: roleRefusal('national-notification', person.role) === undefined ? `/cases/${ref}/decisions/national-notification` : undefined,
    });
  });
  return router;
}
