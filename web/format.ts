// Dates and times in the GOV.UK style live in the domain (domain/govuk-dates.ts), so the emails say
// them as the pages do; the pages keep importing them from here.
import { ROLE_NAMES, type Role } from '../domain/roles';
import { inRulebookWords } from '../domain/rulebook';

export { govukDate, govukDateTime, govukTime, workingDays } from '../domain/govuk-dates';

/**
 * A role in words, without the code the API's messages add: "the Business Unit"; in the words of
 * the rulebook given (a case's, or the partnership's for new cases): WT-2023's "the Delegated
 * Safeguarding Partners" for the seed's "the SSP".
 */
export function roleWords(role: Role, rulebookVersion?: string): string {
  return inRulebookWords(rulebookVersion, ROLE_NAMES[role]).replace(/ \([a-z-]+\)$/, '');
}
