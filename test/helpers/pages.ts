// The staff pages over HTTP in tests: the app's web options with the development sign-in for the
// test's people, and a supertest agent signed in as one of them through the sign-in page (its
// session cookie kept, the form's CSRF token sent as a browser sends it).
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { tokenHash } from '../../api/auth';
import type { Users } from '../../config';
import type { Role } from '../../domain/roles';
import type { WebOptions } from '../../web';

/** What a browser's navigation asks for. */
export const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** The pages for these people: the development sign-in lists them; the forms choose a reviewer among them. */
export function webOptionsFor(people: ReadonlyArray<{ id: string; role: Role; agency: string; token: string }>): WebOptions {
  const users: Users = { users: people.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };
  return {
    partnershipName: 'Example Safeguarding Partnership',
    signIn: { kind: 'development', users },
    session: { idleMinutes: 30, absoluteHours: 10, secureCookie: false },
    people: people.map(({ id, role, agency }) => ({ id, role, agency })),
  };
}

/** An agent signed in as this person through the development sign-in page. */
export async function signedInAgent(app: Express, id: string): Promise<TestAgent> {
  const agent = request.agent(app);
  const page = await agent.get('/sign-in').set('Accept', HTML);
  const res = await agent.post('/sign-in').type('form').set('Accept', HTML).send({ _csrf: csrfOf(page.text), person: id });
  expect(res.status).toBe(303);
  return agent;
}
