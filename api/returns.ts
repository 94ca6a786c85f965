// The Rapid Review's information from each agency (§6.5, Appendix 2), an adapter over
// services/returns.ts: the agencies asked and whether each has returned, and one agency's return.
// The request and the return themselves are decisions (POST /cases/:ref/decisions/...).
import express from 'express';
import { caseReferenceOf } from '../services/cases';
import { Refused } from '../services/refused';
import type { ReturnsService } from '../services/returns';
import { actorOf } from './auth';

/** An agency as a path segment (an organisation's name, URL-encoded): read as given, refused if it cannot be one. */
export function agencyOf(given: string): string {
  const agency = given.trim();
  if (agency.length === 0 || agency.length > 200) throw new Refused(404, 'NotFound', 'No such agency');
  return agency;
}

export function returnRoutes(returns: ReturnsService): express.Router {
  const router = express.Router();

  router.get('/cases/:caseReference/rapid-review-returns', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    res.json(await returns.listReturns(actorOf(res), ref));
  });

  router.get('/cases/:caseReference/rapid-review-returns/:agency', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    res.json(await returns.readReturn(actorOf(res), ref, agencyOf(String(req.params.agency))));
  });

  return router;
}
