// The improvement action routes (§9.2, §16.2), an adapter over services/actions.ts: read an action,
// record a decision on it.
import express from 'express';
import { actionIdOf, type ActionService } from '../services/actions';
import { caseReferenceOf } from '../services/cases';
import { actorOf } from './auth';
import { answerDecision, submissionOf } from './decisions';

export function actionRoutes(actions: ActionService): express.Router {
  const router = express.Router();

  router.get('/cases/:caseReference/actions/:actionId', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    const actionId = actionIdOf(String(req.params.actionId));
    res.json(await actions.readAction(actorOf(res), ref, actionId));
  });

  router.post('/cases/:caseReference/actions/:actionId/decisions/:decision', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    const actionId = actionIdOf(String(req.params.actionId));
    const outcome = await actions.recordActionDecision(ref, actionId, String(req.params.decision), submissionOf(req, res));
    answerDecision(res, outcome, `/cases/${ref}/actions/${actionId}`);
  });

  return router;
}
