// Dates and times in the GOV.UK style live in the domain (domain/govuk-dates.ts), so the emails say
// them as the pages do; the pages keep importing them from here.
import { ROLE_NAMES, type Role } from '../domain/roles';

export { govukDate, govukDateTime, govukTime, workingDays } from '../domain/govuk-dates';

/** A role in words, without the code the API's messages add: "the Business Unit". */
export function roleWords(role: Role): string {
  return ROLE_NAMES[role].replace(/ \([a-z-]+\)$/, '');
}
