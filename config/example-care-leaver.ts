// The example notification of a care leaver's death (fictitious test data: no real person), dated
// relative to a day: the local authority became aware that day of a death two days before, the
// care leaver 22 on the date of death (WT 2023 ch. 5 notifies up to and including 24). The OpenAPI
// document's example and the tests' form.
import type { CareLeaverForm } from '../domain/care-leaver-form';
import { addDays, londonToday } from './example-referral';

/** The form, aware on `today` (default: London's date now); `dateOfBirth` may be given to try an age. */
export function exampleCareLeaverForm(today: string = londonToday(), dateOfBirth?: string): CareLeaverForm {
  const dateOfDeath = addDays(today, -2);
  return {
    notifier: {
      fullName: 'Sam Example',
      jobTitle: 'Leaving Care Team Manager',
      organisation: 'Example Borough Council',
      email: 'sam.example@council.example.org',
      telephone: '020 7946 0000',
    },
    laBecameAwareDate: today,
    careLeaver: {
      fullName: 'Alex Fictitious',
      dateOfBirth: dateOfBirth ?? `${Number(dateOfDeath.slice(0, 4)) - 22}-01-15`,
      gender: 'not known',
      ethnicity: 'Not recorded (example)',
      lastKnownAddress: '1 Example Street, Exampletown',
      dateOfDeath,
      placeAndCircumstances: 'Found at their flat (fictitious example).',
      coronerInvolved: 'yes',
    },
    lookedAfterBy: 'Example Borough Council',
    hadPersonalAdviser: true,
    hadPathwayPlan: true,
    abuseOrNeglectSuspected: false,
  };
}
