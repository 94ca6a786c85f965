// The referral form filled in through its pages, section by section, as a person would: the
// sections' fillers (fictitious test data), and a whole referral sent from the start page to its
// confirmation. Used by the referral form's own browser test (which adds its detours: a mistake,
// a draft saved and resumed) and by the paths that start from a referral sent on the pages.
import type { Page } from 'playwright-core';

export const group = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

export async function fillDate(page: Page, name: string, d: string, m: string, y: string): Promise<void> {
  const g = group(page, name);
  await g.getByLabel('Day').fill(d);
  await g.getByLabel('Month').fill(m);
  await g.getByLabel('Year').fill(y);
}

/** A London date (YYYY-MM-DD) as the three boxes. */
const parts = (date: string): [string, string, string] => {
  const [y, m, d] = date.split('-');
  return [String(Number(d)), String(Number(m)), y!];
};

export interface ReferralDates {
  /** The date the referring agency became aware, submitted and agreed (YYYY-MM-DD). */
  aware: string;
  /** The date of the serious incident. */
  incident: string;
}

/** Each section of the form, by its title on the task list, with what the test types into it. */
export function referralSections(dates: ReferralDates): Array<{ title: string; fill: (page: Page) => Promise<void> }> {
  return [
    { title: 'The criteria for notification', fill: async (page) => page.getByLabel('The case meets the criteria for notification').check() },
    {
      title: 'About you and your authorising officer',
      fill: async (page) => {
        await page.getByLabel('Your full name').fill('Rita Referrer');
        await page.getByLabel('Your job title').fill('Designated Safeguarding Lead');
        await page.getByLabel('Your organisation').fill('Example Primary School');
        await page.getByLabel('Your email address').fill('rita@example.org');
        await page.getByLabel('Your telephone number').fill('01632 960001');
        await fillDate(page, 'Date submitted', ...parts(dates.aware));
        await fillDate(page, 'Date your agency became aware of the incident', ...parts(dates.aware));
        await page.getByLabel('Authorising officer’s full name').fill('Alan Officer');
        await page.getByLabel('Authorising officer’s job title').fill('Head Teacher');
        await fillDate(page, 'Date your organisation agreed the referral', ...parts(dates.aware));
      },
    },
    {
      title: 'About the child or children',
      fill: async (page) => {
        await page.getByLabel('Full name').fill('Test Child');
        await fillDate(page, 'Date of birth', '14', '5', '2019');
        await page.getByLabel('Age at the time of the incident').fill('6 years');
        await group(page, 'Gender').getByLabel('Not known', { exact: true }).check();
        await page.getByLabel('Address').fill('1 Example Street, Testtown');
        await page.getByLabel('Postcode').fill('ZZ99 9ZZ');
        await fillDate(page, 'Date of the serious incident', ...parts(dates.incident));
        await group(page, 'Does the incident relate to the death of the child?').getByLabel('No', { exact: true }).check();
        await group(page, 'Does the alleged incident involve the conduct of a staff member?').getByLabel('No', { exact: true }).check();
        await group(page, 'Is a coroner involved?').getByLabel('No', { exact: true }).check();
        await group(page, 'Was the child looked after by the local authority?').getByLabel('No', { exact: true }).check();
      },
    },
    {
      title: 'Parents and guardians',
      fill: async (page) => {
        await page.getByRole('button', { name: 'Add a parent or guardian' }).click();
        await page.getByLabel('Last name').fill('Parent');
        await page.getByLabel('First name').fill('Pat');
        await page.getByLabel('Relationship to the child').fill('Mother');
      },
    },
    {
      title: 'Siblings',
      fill: async (page) => {
        await page.getByRole('button', { name: 'Add a sibling' }).click();
        await page.getByLabel('Last name').fill('Child');
        await page.getByLabel('First name').fill('Sam');
        await fillDate(page, 'Date of birth (if known)', '20', '7', '2021');
        await page.getByLabel('Relationship to the child').fill('Brother');
      },
    },
    {
      title: 'Case details',
      fill: async (page) => {
        await group(page, 'What is the main cause of the incident?').getByLabel('Other', { exact: true }).check();
        await page.locator('#mainCauseOther').fill('A fall');
        await group(page, 'What are the characteristics of the case?').getByLabel('Physical Abuse').check();
      },
    },
    {
      title: 'Child protection',
      fill: async (page) => {
        await group(page, 'Was the child known to Social Care before the incident?').getByLabel('Yes', { exact: true }).check();
        await group(page, 'Was the child on a Child Protection Plan at the time of or before the incident?').getByLabel('No', { exact: true }).check();
        await group(page, 'Was the child on a Child In Need Plan at the time of or before the incident?').getByLabel('No', { exact: true }).check();
      },
    },
    {
      title: 'Other agencies involved',
      fill: async (page) => {
        await page.getByRole('button', { name: 'Add an agency' }).click();
        await page.getByLabel('Contact’s full name').fill('Dee Nurse');
        await page.getByLabel('Organisation').fill('Example Health Trust');
      },
    },
    { title: 'Details of the case or incident', fill: async (page) => page.getByLabel('Details of the case or incident').fill('The child was taken to hospital (test).') },
    { title: 'Why the case meets the criteria for notification', fill: async (page) => page.getByLabel('Why do you believe the case meets the criteria for notification?').fill('Serious harm (test).') },
    { title: 'Authorising officer’s comment and recommendation', fill: async (page) => page.getByLabel('Your agency’s authorising officer’s comment and recommendation').fill('Agreed (test).') },
    {
      title: 'Other reviews pending or complete',
      fill: async (page) => {
        await page.getByRole('button', { name: 'Add a review' }).click();
        await page.getByLabel('Kind of review').selectOption('criminal investigation');
        await page.getByLabel('Details of the review').fill('A police inquiry (test).');
      },
    },
  ];
}

/** The draft's task list, and how to open one of its sections and save it. */
export function taskList(page: Page, address: string) {
  return {
    address,
    async open(title: string): Promise<void> {
      await page.goto(address);
      // The task list names each section after its number on the form: "Section 5: Case details".
      await page.getByRole('link', { name: new RegExp(`: ${title}$`) }).click();
      await page.waitForLoadState();
    },
    async saveAndContinue(): Promise<void> {
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.waitForURL(address);
    },
  };
}

/**
 * A whole referral sent through the pages by the signed-in person, from My work's "Send a
 * referral" to the confirmation: the case reference it gives.
 */
export async function sendReferralOnPages(page: Page, base: string, dates: ReferralDates): Promise<string> {
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Send a referral' }).click();
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.waitForURL(/\/referrals\/drafts\/[0-9a-f-]{36}$/);
  const list = taskList(page, page.url());
  for (const section of referralSections(dates)) {
    await list.open(section.title);
    await section.fill(page);
    await list.saveAndContinue();
  }
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await page.waitForURL(`${list.address}/check-answers`);
  await page.getByRole('button', { name: 'Send referral' }).click();
  await page.waitForURL(/\/referrals\/sent\/DSP-\d{4}-\d{4}$/);
  return (await page.locator('.govuk-panel__body strong').innerText()).trim();
}
