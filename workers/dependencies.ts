// Builds the real dependencies the activities need from configuration.
import nodemailer from 'nodemailer';
import { loadPartnership, type Env } from '../config';
import type { KeyRing } from '../config/key-ring';
import { WorkingDayCalendar } from '../domain/calendar';
import { mailTransportOptions } from '../activities/outbox';
import { migrateRegister, openRegister } from '../activities/register';
import type { ActivityDependencies } from '../activities';

export async function activityDependencies(env: Env, ring: KeyRing): Promise<ActivityDependencies> {
  const partnership = loadPartnership(env.PARTNERSHIP_FILE);
  const register = openRegister(env.DATABASE_URL);
  await migrateRegister(register);
  return {
    calendar: new WorkingDayCalendar({ extraClosureDays: partnership.closureDays }),
    register,
    ring,
    // SMTP timeouts well inside the activity's timeout and the outbox lease (activities/outbox.ts).
    mailer: nodemailer.createTransport(mailTransportOptions(env.SMTP_URL)),
    mailFrom: env.MAIL_FROM,
    mailboxes: partnership.mailboxes,
    agencies: partnership.agencies,
    localPolicyWorkingDays: partnership.localPolicyWorkingDays,
  };
}
