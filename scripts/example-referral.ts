// Prints today's example referral (config/example-referral.ts: fictitious, dated so that the
// referring agency became aware today in London), for `curl --data @file`:
//
//   npm run -s example:referral > /tmp/example-referral.json
//
// With a date (YYYY-MM-DD) as its argument, that day's instead.
import { exampleReferral, londonToday } from '../config/example-referral';

const day = process.argv[2] ?? londonToday();
if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
  process.stderr.write('usage: example-referral [YYYY-MM-DD]\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(exampleReferral(day), null, 2)}\n`);
