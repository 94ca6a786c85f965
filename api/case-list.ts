// GET /cases: an adapter over the case list (services/case-list.ts), which checks who may list,
// the query and the cursor. The query's and the answer's schemas are the service's; the OpenAPI
// document (api/openapi.ts) reads them from here.
import express from 'express';
import type { CaseListService } from '../services/case-list';
import { actorOf } from './auth';

export { caseListQuerySchema, caseListResponseSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../services/case-list';

export function caseListRoutes(caseList: CaseListService): express.Router {
  const router = express.Router();
  router.get('/cases', async (req, res) => {
    res.json(await caseList.listCases(actorOf(res), req.query));
  });
  return router;
}
