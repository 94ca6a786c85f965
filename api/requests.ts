// What the API takes in, in one place: the routes check requests with these (through the case
// service, services/), and the OpenAPI document (api/openapi.ts) describes them from the same values.
export { referralRequestSchema } from '../services/requests';
export { IDEMPOTENCY_KEY } from '../services/through-update';

/** Bodies over this are refused 413 (the largest referral form is far smaller). */
export const BODY_LIMIT = '256kb';
