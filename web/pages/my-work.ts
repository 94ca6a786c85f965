// My work: what falls to the signed-in person or their role, overdue first, then soonest due; each
// item links to its case or action and says what to do next in the procedure's words. The items
// come from the register's projection of each case (services/my-work.ts), not a query per case.
import { agencyOfInstance } from '../../domain/obligation-ids';
import express from 'express';
import { maySendReferral } from '../../domain/access';
import type { Services } from '../../services';
import { govukDateTime } from '../format';
import { personOf } from '../people';

export function myWorkPage(services: Services): express.Router {
  const router = express.Router();
  router.get('/', async (_req, res) => {
    const { items, more } = await services.myWork(personOf(res));
    res.render('pages/my-work', {
      pageTitle: 'My work',
      // The link only: the service refuses a referral from anyone else.
      maySendReferral: maySendReferral(personOf(res)),
      more,
      items: items.map((i) => ({
        ...i,
        // An agency's return (§6.5) links to its own page for the case: it reads nothing else of it.
        href: i.actionId ? `/cases/${i.caseReference}/actions/${i.actionId}` : agencyOfInstance(i.obligationId) !== undefined ? `/cases/${i.caseReference}/rapid-review-returns` : `/cases/${i.caseReference}`,
        label: i.actionId ? `${i.caseReference} action ${i.actionId}` : i.caseReference,
        due: govukDateTime(i.dueAt),
        what: i.todo,
      })),
      overdue: items.filter((i) => i.overdue).length,
    });
  });
  return router;
}
