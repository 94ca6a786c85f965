// The visibility query GET /cases sends (api/case-list.ts): composed only from the procedure's
// stages, true/false and instants we formatted, so nothing a caller sends can widen it.
import { caseListQuerySchema, visibilityQuery } from '../../services/case-list';
import { STAGES } from '../../domain/case';

test('each filter adds one clause, and only open cases unless all are asked for', () => {
  expect(visibilityQuery({ status: 'open' })).toBe("WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running'");
  expect(visibilityQuery({ status: 'all', stage: 'lcspr', overdue: true, dueBefore: '2026-12-10T00:00:00.000Z' })).toBe(
    "WorkflowType = 'incidentWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND CaseStage = 'lcspr' AND OverdueCount > 0 AND NextDeadline < '2026-12-10T00:00:00.000Z'",
  );
  expect(visibilityQuery({ status: 'open', overdue: false })).toContain('AND OverdueCount = 0');
});

test('a value that is not a stage or not an instant of ours is refused, even if it got past the schema', () => {
  expect(() => visibilityQuery({ status: 'open', stage: "lcspr' OR CaseStage != '" as never })).toThrow(RangeError);
  expect(() => visibilityQuery({ status: 'open', dueBefore: "2026-12-10' OR 'a' = 'a" })).toThrow();
  expect(() => visibilityQuery({ status: 'open', dueBefore: '2026-12-10T00:00:00Z' })).toThrow(RangeError);
});

test('the schema takes each stage of the map, and nothing else', () => {
  for (const stage of STAGES) expect(caseListQuerySchema().safeParse({ stage }).success).toBe(true);
  for (const stage of ['', 'LCSPR', "lcspr'", 'lcspr ', ['lcspr']]) expect(caseListQuerySchema().safeParse({ stage }).success).toBe(false);
  expect(caseListQuerySchema().parse({ limit: '100', dueBefore: '2026-12-10' })).toEqual({ limit: 100, dueBefore: '2026-12-10' });
  for (const limit of ['0', '101', '-1', '1e2', ' 5', '05.0']) expect(caseListQuerySchema().safeParse({ limit }).success).toBe(false);
});
