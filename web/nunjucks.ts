// The pages' templates: our views (web/views) over GOV.UK Frontend's macros, autoescaped, with the
// filters the views use. Read from the source tree (PROJECT_ROOT), so the compiled dist/ and the
// tests render the same files.
import path from 'node:path';
import type express from 'express';
import nunjucks from 'nunjucks';
import { PROJECT_ROOT } from '../config';
import { govukDate, govukDateTime, govukTime, workingDays } from './format';

export const VIEWS_DIR = path.join(PROJECT_ROOT, 'web', 'views');
export const STATIC_DIR = path.join(PROJECT_ROOT, 'web', 'static');
export const GOVUK_FRONTEND_DIR = path.join(PROJECT_ROOT, 'node_modules', 'govuk-frontend', 'dist');

export function nunjucksSetup(app: express.Express, globals: { partnershipName: string; serviceName: string }): nunjucks.Environment {
  const env = nunjucks.configure([VIEWS_DIR, GOVUK_FRONTEND_DIR], {
    autoescape: true,
    express: app,
    // Templates are read once; a change needs a restart (nothing here edits them at run time).
    noCache: false,
    throwOnUndefined: false,
  });
  env.addGlobal('partnershipName', globals.partnershipName);
  env.addGlobal('serviceName', globals.serviceName);
  env.addFilter('govukDate', govukDate);
  env.addFilter('govukTime', govukTime);
  env.addFilter('govukDateTime', govukDateTime);
  env.addFilter('workingDays', workingDays);
  app.set('view engine', 'njk');
  return env;
}
