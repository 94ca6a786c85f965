// Whether the parts the case service stands on answer: Temporal, the register, SMTP. Each part is
// given HEALTH_CHECK_MS, whatever is down (with Temporal down an unbounded check took 10-15 s); a
// part that has not answered by then is reported down.
import type { Client } from '@temporalio/client';
import type { Register } from '../register/register';
import type { Bounded } from './temporal-calls';

/** How long each part is given; the answer comes within about this long. */
export const HEALTH_CHECK_MS = 2_000;

/** Whether a check answered truthily within HEALTH_CHECK_MS; a failure or no answer is false. */
function answersWithin(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_CHECK_MS);
  });
  return Promise.race([check.then((v) => v !== false, () => false), late]).finally(() => clearTimeout(timer));
}

export interface Health {
  ok: boolean;
  temporal: boolean;
  database: boolean;
  smtp: boolean;
}

export function healthCheck(deps: { temporal: Client; register: Register; bounded: Bounded; smtpReachable: () => Promise<boolean> }): () => Promise<Health> {
  return async () => {
    const [temporal, database, smtp] = await Promise.all([
      answersWithin(deps.bounded(() => deps.temporal.workflowService.getSystemInfo({}), HEALTH_CHECK_MS)),
      answersWithin(deps.register.reachable()),
      answersWithin(deps.smtpReachable()),
    ]);
    return { ok: temporal && database && smtp, temporal, database, smtp };
  };
}
