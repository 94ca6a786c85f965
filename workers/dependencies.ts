// Builds the real dependencies the activities need from configuration.
import nodemailer from 'nodemailer';
import { loadPartnership, type Env } from '../config';
import type { KeyRing } from '../config/key-ring';
import { WorkingDayCalendar } from '../domain/calendar';
import { smtpTransportOptions } from '../config/smtp';
import { migrateRegister, openRegister } from '../register/database';
import type { ActivityDependencies } from '../activities';

/** `mailOptions`: the SMTP transport's options, when the caller has already read them (their TLS files). */
export async function activityDependencies(env: Env, ring: KeyRing, mailOptions = smtpTransportOptions(env)): Promise<ActivityDependencies> {
  const partnership = loadPartnership(env.PARTNERSHIP_FILE);
  const register = openRegister(env.DATABASE_URL);
  await migrateRegister(register);
  return {
    calendar: new WorkingDayCalendar({ extraClosureDays: partnership.closureDays }),
    register,
    ring,
    // SMTP timeouts well inside the activity's timeout and the outbox lease, and the relay's TLS
    // settings (SMTP_TLS_CA, SMTP_REQUIRE_TLS), as the API's health check has them (activities/outbox.ts).
    mailer: nodemailer.createTransport(mailOptions),
    mailFrom: env.MAIL_FROM,
    mailboxes: partnership.mailboxes,
    agencies: partnership.agencies,
    localPolicyWorkingDays: partnership.localPolicyWorkingDays,
  };
}
