// GET /cases/{caseReference}/notification-pack in the document: its answer's schema and example,
// and its refusals (the referral read's, as the pack is the referral's data in other words).
import { z } from 'zod';
import { exampleReferral } from '../../config/example-referral';
import { notificationPack } from '../../domain/notification-pack';
import { referralFormSchema } from '../../domain/referral-form';
import { EXAMPLE_REF, RECEIVED_AT } from './examples';
import { caseReferenceParam, errorResponse, json, one, type OperationSpec, type ResponseSpec } from './spec';

const packQuestionSchema = () =>
  z.strictObject({
    id: z.string().describe("The question's anchor, the same for every case (\"child-2-date-of-birth\"); no personal data"),
    group: z.string().describe('The part of the online form it belongs to ("The incident", "Child 1")'),
    question: z.string(),
    answer: z.string().nullable().describe('The text to type or paste into the online form; null when the referral does not hold it'),
    missing: z.string().optional().describe('When there is no answer: why, and what to do ("not on the referral: ask the referrer ... for ...")'),
  });

export const notificationPackSchema = () =>
  z.strictObject({
    caseReference: z.string(),
    questions: z.array(packQuestionSchema()).describe("Every question in the online form's order, grouped; at most 4 children named, any others in the further-information free text"),
    missing: z.array(packQuestionSchema()).describe('The questions the referral does not answer, in the same order'),
  });

/** The documented example: the fictitious example referral (config/example-referral.json) as it is. */
function example() {
  const form = referralFormSchema.parse(exampleReferral('2026-03-02').referral);
  return { caseReference: EXAMPLE_REF, ...notificationPack(form, { partnershipName: 'Example Safeguarding Children Partnership', laBecameAware: RECEIVED_AT }) };
}

export function notificationPackOperation(readErrors: Record<number, ResponseSpec>): OperationSpec {
  return {
    method: 'get',
    path: '/cases/{caseReference}/notification-pack',
    operationId: 'readNotificationPack',
    summary: "The answers the DfE's online notification form asks for, made from the referral (§5.2)",
    description:
      "Roles: `business-unit`, `ssp`, `rapid-review-chair`, `ld-chair` (those who read the referral form). Each reading is recorded before it is answered. The online form saves nothing and times out after 20 minutes: prepare what `missing` lists first.",
    tags: ['Cases'],
    params: z.object({ caseReference: caseReferenceParam() }),
    responses: {
      200: { description: 'The pack', content: json(notificationPackSchema(), 'NotificationPack', one(example())) },
      ...readErrors,
      403: errorResponse(['ReadNotAllowed'], 'The notification pack is read by those who read the referral form only'),
      404: errorResponse(['CaseNotFound'], 'No such case'),
      503: errorResponse(['RegisterUnavailable', 'SignInUnavailable'], 'The register did not answer (the reading could not be recorded, so nothing is shown), or sign-in cannot check tokens just now', ['Retry-After']),
    },
  };
}
