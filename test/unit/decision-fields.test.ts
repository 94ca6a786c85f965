// A decision's fields say what they are, in one place: the decision tables (domain/fields.ts).
// Every field of every case and action decision has a meaning and a purpose, and the register
// seals every field that holds words or a name. The fields are walked with the tests' own walker
// (test/helpers/payloads.ts fieldsOf), not the code's.
import { ACTION_DECISION_NAMES, ACTION_DECISIONS } from '../../domain/action';
import { decisionRule, DECISION_NAMES } from '../../domain/decisions';
import { fieldMetaOf } from '../../domain/fields';
import { FREE_TEXT_FIELDS } from '../../register/crypto';
import { fieldsOf, type SchemaField } from '../helpers/payloads';

const fields: Array<{ decision: string; field: SchemaField }> = [
  ...DECISION_NAMES.flatMap((name) => fieldsOf(decisionRule(name).schema()).map((field) => ({ decision: name, field }))),
  ...ACTION_DECISION_NAMES.flatMap((name) => fieldsOf(ACTION_DECISIONS[name].schema()).map((field) => ({ decision: name, field }))),
];
const where = ({ decision, field }: { decision: string; field: SchemaField }) => `${decision}: ${field.path.join('.')}`;

test('the walk finds the fields (a walker that found none would pass everything below)', () => {
  expect(fields.length).toBeGreaterThan(60);
  expect(fields.map(where)).toEqual(expect.arrayContaining(['reviewer-commissioned: reviewer', 'actions-agreed: actions.0.owner', 'action-extended: requestedBy.name']));
});

test('every field of every case and action decision says what it means and what it is for', () => {
  expect(fields.filter((f) => fieldMetaOf(f.field.schema) === undefined).map(where)).toEqual([]);
  expect(fields.filter((f) => !(fieldMetaOf(f.field.schema)?.purpose ?? '').trim()).map(where)).toEqual([]);
});

test('the register seals every field that holds words typed by staff or a name', () => {
  const words = fields.filter((f) => ['free-text', 'person-name'].includes(fieldMetaOf(f.field.schema)?.meaning ?? ''));
  expect(words.filter((f) => !FREE_TEXT_FIELDS.has(f.field.name)).map(where)).toEqual([]);
  // What the register sealed when the list was kept by hand: none of it is left in clear now.
  const sealedBefore = ['rationale', 'reason', 'summary', 'note', 'justification', 'reviewer', 'owner', 'description', 'finding', 'evidence', 'requestedBy'];
  expect(sealedBefore.filter((name) => !FREE_TEXT_FIELDS.has(name))).toEqual([]);
  // What reports count stays in clear: outcomes, dates, IDs.
  for (const name of ['outcome', 'levelOfReview', 'publishedOn', 'reviewerId', 'deadline', 'clock']) expect({ name, sealed: FREE_TEXT_FIELDS.has(name) }).toEqual({ name, sealed: false });
});
