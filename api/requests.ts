// What the API takes in, in one place: the routes check requests with these, and the OpenAPI
// document (api/openapi.ts) describes them from the same values, so neither imports the other.
import { z } from 'zod';
import { instantSchema } from '../domain/instants';
import { referralFormSchema } from '../domain/referral-form';

/** The case reference is allocated by the system (DSP-YYYY-NNNN), never chosen by the caller. */
export const referralRequestSchema = z.strictObject({
  /** When the Business Unit received the referral; defaults to now. */
  receivedAt: instantSchema().optional(),
  referral: referralFormSchema,
});

/** What an Idempotency-Key may be. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Bodies over this are refused 413 (the largest referral form is far smaller). */
export const BODY_LIMIT = '256kb';
