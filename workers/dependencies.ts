// Builds the real dependencies the activities need from configuration.
import nodemailer from 'nodemailer';
import { loadPartnership, type Env } from '../config';
import type { KeyRing } from '../config/key-ring';
import { WorkingDayCalendar } from '../domain/calendar';
import { smtpTransportOptions } from '../config/smtp';
import { connectRegister } from '../register/register';
import type { ActivityDependencies } from '../activities';

/** `mailOptions`: the SMTP transport's options, when the caller has already read them (their TLS files). */
export async function activityDependencies(env: Env, ring: KeyRing, mailOptions = smtpTransportOptions(env)): Promise<ActivityDependencies> {
  const partnership = loadPartnership(env.PARTNERSHIP_FILE);
  const register = connectRegister(env.DATABASE_URL, ring);
  // The worker and the API both migrate at start: whichever comes second waits for the first, or
  // finds the register migrated (register/migrate.ts).
  try {
    await register.migrate();
  } catch (err) {
    await register.close();
    throw err;
  }
  return {
    calendar: new WorkingDayCalendar({ extraClosureDays: partnership.closureDays }),
    register,
    // SMTP timeouts well inside the activity's timeout and the outbox lease, and the relay's TLS
    // settings (SMTP_TLS_CA, SMTP_REQUIRE_TLS), as the API's health check has them (activities/outbox.ts).
    mailer: nodemailer.createTransport(mailOptions),
    mailFrom: env.MAIL_FROM,
    partnershipName: partnership.name,
    mailboxes: partnership.mailboxes,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    agencies: partnership.agencies,
    people: partnership.people,
    localPolicyWorkingDays: partnership.localPolicyWorkingDays,
  };
}
