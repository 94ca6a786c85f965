// Problems with a query string, in our words: what each parameter takes, never what was sent.
import type { z } from 'zod';
import type { Problem } from '../domain/errors';

/**
 * One problem per parameter that was refused, saying what it takes (`expected`); an unknown or
 * repeated key is named only as "(query)", with the parameters that are allowed.
 */
export function queryProblems(error: z.ZodError, expected: Readonly<Record<string, string>>): Problem[] {
  const problems = error.issues.map((issue): Problem => {
    const key = issue.path[0];
    if (issue.code === 'unrecognized_keys' || typeof key !== 'string' || !Object.hasOwn(expected, key)) {
      return { path: '(query)', message: `Unknown query parameter; allowed: ${Object.keys(expected).join(', ')}` };
    }
    return { path: key, message: expected[key]! };
  });
  // One problem of each kind is enough (a repeated unknown key says nothing more).
  return problems.filter((p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i);
}
