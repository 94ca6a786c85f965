// What the case service takes in that is not a decision (decisions are checked by their own schemas,
// domain/decisions.ts): the referral. The OpenAPI document describes it from the same value.
import { z } from 'zod';
import { instantSchema } from '../domain/instants';
import { referralFormSchema } from '../domain/referral-form';

/** The case reference is allocated by the system (DSP-YYYY-NNNN), never chosen by the caller. */
export const referralRequestSchema = z.strictObject({
  /** When the Business Unit received the referral; defaults to now. */
  receivedAt: instantSchema().optional(),
  referral: referralFormSchema,
});
