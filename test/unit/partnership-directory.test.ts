// The partnership's directory (PARTNERSHIP_FILE) is checked at start: a bad entry stops the process
// with an error naming it; the example file is valid and names the commissioned reviewer by sign-in ID.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadPartnership, PROJECT_ROOT } from '../../config';

const EXAMPLE = path.join(PROJECT_ROOT, 'config', 'partnership.example.json');

/** The directory as JSON, loosely typed: the test writes into it what the schema would refuse. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function withChange(change: (directory: Json) => void): string {
  const directory = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Json;
  change(directory);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ssi-directory-')), 'partnership.json');
  writeFileSync(file, JSON.stringify(directory));
  return file;
}

function refusal(file: string): string {
  try {
    loadPartnership(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

test('the example directory is valid, with a person for the example reviewer sign-in ID', () => {
  expect(loadPartnership(EXAMPLE).people).toEqual({ 'reviewer-1': { email: 'independent-reviewer@reviews.example.org' } });
});

test.each([
  ['a person\'s address', (d: Json) => (d.people['reviewer-1'].email = 'not an address'), 'people.reviewer-1.email'],
  ['a person with a field the directory does not know', (d: Json) => (d.people['reviewer-1'].name = 'x'), 'people.reviewer-1'],
  ["an agency's Head of Service", (d: Json) => (d.agencies['Example Police']['head-of-service'] = 'nobody'), 'agencies.Example Police.head-of-service'],
  ['a role mailbox left out', (d: Json) => delete d.mailboxes.operations, 'mailboxes.operations'],
])('%s: refused at start, the entry named', (_what, change, entry) => {
  const message = refusal(withChange(change));
  expect(message).toContain('PARTNERSHIP_FILE');
  expect(message).toContain(`${entry}:`);
});

test("a WT-2023 partnership may name the partners' and the scrutiny mailboxes in Working Together 2023's words, not both ways", () => {
  const wtNames = withChange((d) => {
    d.rulebook = 'WT-2023';
    d.mailboxes['delegated-safeguarding-partners'] = d.mailboxes.ssp;
    d.mailboxes['independent-scrutiny'] = 'independent-scrutiny@partnership.example.org';
    delete d.mailboxes.ssp;
    delete d.mailboxes['independent-scrutineer'];
  });
  const partnership = loadPartnership(wtNames);
  expect(partnership.rulebook).toBe('WT-2023');
  expect(partnership.mailboxes.ssp).toBe('ssp@partnership.example.org');
  expect(partnership.mailboxes['independent-scrutineer']).toBe('independent-scrutiny@partnership.example.org');
  expect(refusal(withChange((d) => (d.mailboxes['delegated-safeguarding-partners'] = 'dsp@partnership.example.org')))).toContain(
    'mailboxes.delegated-safeguarding-partners: names the same mailbox as "ssp": keep one of the two',
  );
});
