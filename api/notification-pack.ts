// GET /cases/:caseReference/notification-pack: the answers the DfE's online notification form asks
// for, made from the referral (§5.2), an adapter over the case service's notification pack
// (services/notification-pack.ts), which checks who may read it and records the reading.
import express from 'express';
import { caseReferenceOf } from '../services/cases';
import type { NotificationPackService } from '../services/notification-pack';
import { actorOf } from './auth';

export function notificationPackRoutes(notificationPack: NotificationPackService): express.Router {
  const router = express.Router();
  router.get('/cases/:caseReference/notification-pack', async (req, res) => {
    const ref = caseReferenceOf(String(req.params.caseReference));
    res.json(await notificationPack(actorOf(res), ref));
  });
  return router;
}
