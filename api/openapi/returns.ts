// The Rapid Review's information from each agency (§6.5, Appendix 2) in the OpenAPI document: the
// agencies asked with their status, and one agency's return (api/returns.ts).
import { z } from 'zod';
import { chronologyRowSchema } from '../../domain/rapid-review-returns';
import { EXAMPLE_REF } from './examples';
import { caseReferenceParam, errorResponse, json, one, signedInErrors, type OperationSpec } from './spec';

const statusSchema = () => z.enum(['returned', 'returned-late', 'outstanding', 'overdue', 'withdrawn']).meta({ description: 'returned (on time) or late; outstanding (not yet due); overdue (its date passed); withdrawn (the meeting was held without it)' });

const returnsListSchema = () =>
  z.object({
    caseReference: z.string(),
    meetingDate: z.string().optional().meta({ description: 'The date the Rapid Review meeting is set for, if it is (§6.2); the panel only' }),
    agencies: z.array(
      z.object({
        agency: z.string(),
        status: statusSchema(),
        dueDate: z.string().meta({ description: 'The date the return is due by (YYYY-MM-DD)' }),
        dueAt: z.string(),
        returnedAt: z.string().optional(),
        workingDaysLate: z.number().int().optional(),
      }),
    ),
  });

const agencyReturnSchema = () =>
  z.object({
    caseReference: z.string(),
    agency: z.string(),
    returnedAt: z.string(),
    returnedBy: z.string().optional(),
    status: statusSchema(),
    involvement: z.string(),
    safeguardingIssues: z.string(),
    informationHeld: z.string(),
    author: z.string(),
    chronology: z.array(chronologyRowSchema()),
  });

const agencyParam = () => z.string().min(1).max(200).meta({ description: "The agency's name as the partnership's directory gives it, URL-encoded", example: 'Example Police' });

const EXAMPLE_LIST = {
  caseReference: EXAMPLE_REF,
  meetingDate: '2026-12-18',
  agencies: [
    { agency: 'Example Police', status: 'overdue', dueDate: '2026-12-11', dueAt: '2026-12-11T23:59:59.999Z', workingDaysLate: 2 },
    { agency: 'Example Health Trust', status: 'returned', dueDate: '2026-12-11', dueAt: '2026-12-11T23:59:59.999Z', returnedAt: '2026-12-10T14:05:00.000Z' },
  ],
};

const EXAMPLE_RETURN = {
  caseReference: EXAMPLE_REF,
  agency: 'Example Health Trust',
  returnedAt: '2026-12-10T14:05:00.000Z',
  returnedBy: 'health-lead',
  status: 'returned',
  involvement: 'Universal health visiting since birth (fictitious example).',
  safeguardingIssues: 'None known before the incident (fictitious example).',
  informationHeld: "The health visitor's records (fictitious example).",
  author: 'Named Nurse for Safeguarding (fictitious)',
  chronology: [
    { date: '2025-03-04', time: '09:30', event: 'New birth visit (fictitious)', agency: 'Example Health Trust', source: 'Health visiting records', involved: 'Health visitor, mother', decisionsAndOutcome: 'Universal service', childSeen: 'yes', childViews: 'Too young to say', comments: 'None' },
  ],
};

/** GET the agencies asked and GET one return. */
export function returnOperations(): OperationSpec[] {
  const readErrors = signedInErrors();
  return [
    {
      method: 'get',
      path: '/cases/{caseReference}/rapid-review-returns',
      operationId: 'listRapidReviewReturns',
      summary: 'The agencies asked for their information for the Rapid Review, and who has returned (§6.5)',
      description:
        'Roles that read whole cases (`business-unit`, `ssp`, `rapid-review-chair`, `ld-chair`) read every agency asked; an `action-owner` reads its own agency\'s row only (its agency from sign-in). The request is `rapid-review-information-requested`, each return `rapid-review-return` (POST /cases/{caseReference}/decisions/...).',
      tags: ['Cases'],
      params: z.object({ caseReference: caseReferenceParam() }),
      responses: {
        200: { description: 'The agencies asked, each with its status', content: json(returnsListSchema(), 'RapidReviewReturns', one(EXAMPLE_LIST)) },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], "An agency's return is read by the Rapid Review panel and the agency itself only"),
        404: errorResponse(['CaseNotFound'], 'No such case, or one that did not ask your agency'),
      },
    },
    {
      method: 'get',
      path: '/cases/{caseReference}/rapid-review-returns/{agency}',
      operationId: 'readRapidReviewReturn',
      summary: "One agency's return: its information and its chronology (§6.5, Appendix 2)",
      description: 'Kept encrypted in the register. Roles that read whole cases read every return; an `action-owner` its own agency\'s only.',
      tags: ['Cases'],
      params: z.object({ caseReference: caseReferenceParam(), agency: agencyParam() }),
      responses: {
        200: { description: 'The return', content: json(agencyReturnSchema(), 'RapidReviewReturn', one(EXAMPLE_RETURN)) },
        ...readErrors,
        403: errorResponse(['ReadNotAllowed'], "An agency's return is read by the Rapid Review panel and the agency itself only"),
        404: errorResponse(['CaseNotFound', 'NotFound'], 'No such case or return, or one your agency may not read'),
      },
    },
  ];
}
