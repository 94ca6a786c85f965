// How the case service says no: a refusal with its stable code, its HTTP status and words a person
// can act on. The JSON API answers it as `{ error: { code, message, problems? } }`; the staff pages
// will say the same words on the page. Outages are not refusals: TemporalUnavailable
// (services/temporal-calls.ts) and RegisterUnavailable (services/register-calls.ts).
import type { Problem } from '../domain/errors';
import type { ErrorCode } from './error-codes';

export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly problems?: Problem[],
  ) {
    super(message);
    this.name = 'Refused';
  }
}
