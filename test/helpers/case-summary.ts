// The case's summary as the register holds it (register/case-summary.ts), once it says what a test
// waits for: the case writes it with its register rows, a moment after the change.
import { readCaseSummary } from '../../register/case-summary';
import type { RegisterDb } from '../../register/database';

export type StoredSummary = NonNullable<Awaited<ReturnType<typeof readCaseSummary>>>;

export async function summaryWhen(register: RegisterDb, caseReference: string, ready: (s: StoredSummary) => boolean, timeoutMs = 30_000): Promise<StoredSummary> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const stored = await readCaseSummary(register, caseReference);
    if (stored && ready(stored)) return stored;
    if (Date.now() > until) throw new Error(`the case summary did not follow the case; it says ${stored ? `stage ${stored.stage}, ${stored.missed} missed` : 'nothing'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The rows of "my work" the register keeps for a case: obligation, role, status. */
export async function workOf(register: RegisterDb, caseReference: string): Promise<Array<[string, string, string]>> {
  const rows = await register
    .selectFrom('case_summary_work')
    .select(['obligation_id', 'role', 'status'])
    .where('case_reference', '=', caseReference)
    .orderBy('obligation_id')
    .orderBy('role')
    .execute();
  return rows.map((r) => [r.obligation_id, r.role, r.status]);
}
