// PUBLIC_BASE_URL, where every email links people to (activities/notices.ts): by default what
// `npm start` serves; https outside development; written so that a page's path goes straight
// after it. A bad value stops the process, naming the variable.
import { ConfigError, loadEnv } from '../../config';

function refusal(env: Record<string, string>): string {
  try {
    loadEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

test('unset or empty: this machine at PORT, what `npm start` serves, in development and production alike', () => {
  expect(loadEnv({}).PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
  expect(loadEnv({ PUBLIC_BASE_URL: '', PORT: '4100' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:4100');
  expect(loadEnv({ APP_ENV: 'development', PORT: '4100' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:4100');
});

test('an https address, with or without a path, is taken as written', () => {
  expect(loadEnv({ PUBLIC_BASE_URL: 'https://staff.partnership.example.org' }).PUBLIC_BASE_URL).toBe('https://staff.partnership.example.org');
  expect(loadEnv({ PUBLIC_BASE_URL: 'https://partnership.example.org/safeguarding' }).PUBLIC_BASE_URL).toBe('https://partnership.example.org/safeguarding');
  expect(loadEnv({ PUBLIC_BASE_URL: 'https://staff.partnership.example.org:8443' }).PUBLIC_BASE_URL).toBe('https://staff.partnership.example.org:8443');
});

test('plain http: only in development, or to this machine', () => {
  expect(refusal({ PUBLIC_BASE_URL: 'http://staff.partnership.example.org' })).toBe('environment: PUBLIC_BASE_URL: must be https outside development (APP_ENV is production)');
  expect(loadEnv({ APP_ENV: 'development', PUBLIC_BASE_URL: 'http://staff.partnership.example.org' }).PUBLIC_BASE_URL).toBe('http://staff.partnership.example.org');
  expect(loadEnv({ PUBLIC_BASE_URL: 'http://localhost:3000' }).PUBLIC_BASE_URL).toBe('http://localhost:3000');
});

test.each([
  ['https://staff.partnership.example.org/', 'must not end with a slash: write https://staff.partnership.example.org'],
  ['https://partnership.example.org/safeguarding/', 'must not end with a slash: write https://partnership.example.org/safeguarding'],
  ['https://staff.partnership.example.org?x=1', 'no query (?) or fragment (#)'],
  ['https://staff.partnership.example.org#top', 'no query (?) or fragment (#)'],
  ['HTTPS://Staff.Partnership.example.org', 'write it as https://staff.partnership.example.org'],
  ['ftp://staff.partnership.example.org', 'is not an http(s) address'],
  ['staff.partnership.example.org', 'is not a URL'],
])('%s is refused, naming the variable and saying how to write it', (value, why) => {
  const message = refusal({ PUBLIC_BASE_URL: value, APP_ENV: 'development' });
  expect(message.startsWith('environment: PUBLIC_BASE_URL: ')).toBe(true);
  expect(message).toContain(why);
});

test('a user name or password in it is refused without being repeated', () => {
  const message = refusal({ PUBLIC_BASE_URL: 'https://someone:s3cret@staff.partnership.example.org' });
  expect(message).toBe('environment: PUBLIC_BASE_URL: must not carry a user name or password');
});
