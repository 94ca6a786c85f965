// The case routes, an adapter over the case service (services/cases.ts): open a case from a
// referral, read a case and its referral form, record a decision.
import express from 'express';
import { caseReferenceOf, type CaseService } from '../services/cases';
import { actorOf } from './auth';
import { answerDecision, submissionOf } from './decisions';

export function caseRoutes(cases: CaseService): express.Router {
  const router = express.Router();

  router.post('/referrals', async (req, res) => {
    const opened = await cases.openReferral(actorOf(res), req.body, req.get('idempotency-key'));
    res
      .status(opened.created ? 201 : 200)
      .location(`/cases/${opened.caseReference}`)
      .json({ caseReference: opened.caseReference, workflowId: opened.workflowId, receivedAt: opened.receivedAt });
  });

  // WT 2023 ch. 5: a care leaver's death (to the age of 24) notified, a case of its own kind.
  router.post('/care-leaver-deaths', async (req, res) => {
    const opened = await cases.openCareLeaverDeath(actorOf(res), req.body, req.get('idempotency-key'));
    res
      .status(opened.created ? 201 : 200)
      .location(`/cases/${opened.caseReference}`)
      .json({ caseReference: opened.caseReference, workflowId: opened.workflowId, receivedAt: opened.receivedAt });
  });

  router.get('/cases/:caseReference', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    res.json(await cases.readCase(actorOf(res), ref));
  });

  router.get('/cases/:caseReference/referral', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    res.json(await cases.readReferral(actorOf(res), ref));
  });

  router.post('/cases/:caseReference/decisions/:decision', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    const outcome = await cases.recordDecision(ref, String(req.params.decision), submissionOf(req, res));
    answerDecision(res, outcome, `/cases/${ref}`);
  });

  return router;
}
