// GET /health: whether Temporal, the register and SMTP answer, each within HEALTH_CHECK_MS
// (services/health.ts). Public and never rate-limited: a load balancer and an operator must always
// be able to ask.
import express from 'express';
import type { Health } from '../services/health';

export function healthRoutes(health: () => Promise<Health>): express.Router {
  const router = express.Router();
  router.get('/health', async (_req, res) => {
    const { ok, temporal, database, smtp } = await health();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal, database, smtp });
  });
  return router;
}
