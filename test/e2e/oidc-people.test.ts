// Sign-in for people through a real OpenID provider (oidc-provider, in this process on 127.0.0.1):
// the authorization code flow with PKCE, driven over HTTP without a browser. The test plays the
// browser: it goes to begin()'s URL, follows the provider's redirects with its cookies, signs in
// at the provider's (development) login form as one of the people, agrees, and takes the
// provider's redirect back to the pages' redirect URI (nothing listens there) to finish(). The
// person comes from the ID token's claims as the API reads an access token's: a return that is
// not this browser's, a code used twice or under another PKCE verifier, and an account without a
// known role sign in no one.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { PeopleSignInRefused, PeopleSignInUnavailable, peopleSignIn, type PeopleSignIn, type PeopleSignInConfig, type PeopleSignInRefusal, type PendingSignIn } from '../../web/oidc-sign-in';
import { listenOnFreePort as listen, startTestProvider, type ProviderAccount } from '../helpers/oidc-provider';

/** The pages' redirect URI: never fetched (nothing listens on port 9), only read from the provider's Location. */
const REDIRECT_URI = 'http://127.0.0.1:9/sign-in/return';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';
const CLIENT_ID = 'ssi-staff-pages';
const CLIENT_SECRET = 'staff-pages-secret-0123456789abcdef0123';
const PUBLIC_CLIENT_ID = 'ssi-staff-pages-public';

const ACCOUNTS: ProviderAccount[] = [
  { id: 'bu-person', role: 'business-unit', agency: 'Safeguarding Partnership Business Unit' },
  { id: 'ssp-person', role: 'ssp', agency: 'Local Authority' },
  { id: 'no-role-person', agency: 'Local Authority' },
  { id: 'superuser-person', role: 'superuser', agency: 'Nowhere' },
];

/**
 * The provider (test/helpers/oidc-provider.ts): the pages registered twice, as a confidential
 * client (a secret) and a public one (PKCE alone).
 */
function startProvider() {
  const redirects = { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI] };
  return startTestProvider(ACCOUNTS, [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...redirects }, { clientId: PUBLIC_CLIENT_ID, ...redirects }]);
}

/** A browser's cookies, as far as the provider needs them (name and value; gone when expired). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const expires = attributes.find((a) => /^expires=/i.test(a));
      if (expires && Date.parse(expires.slice('expires='.length)) < Date.now()) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
    }
  }
}

/**
 * The browser's part: from begin()'s URL through the provider's login (as `account`) and consent
 * to its redirect back, whose URL is returned. `abort` leaves at the login form instead (the
 * person cancels), which the provider answers access_denied.
 */
async function atProvider(url: string, account: string, options: { abort?: boolean } = {}): Promise<URL> {
  const jar = new CookieJar();
  let next: { url: string; form?: URLSearchParams } = { url };
  for (let step = 0; step < 12; step += 1) {
    const res = await fetch(next.url, {
      method: next.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(next.form ? { body: next.form } : {}),
    });
    jar.take(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const to = new URL(location, next.url);
      if (to.href.startsWith(REDIRECT_URI)) return to;
      next = { url: to.href };
      continue;
    }
    const page = await res.text();
    const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1];
    if (res.status !== 200 || !prompt) throw new Error(`the provider answered ${res.status} without a form`);
    if (options.abort) next = { url: `${next.url}/abort` };
    // The development forms post back to the page they are on.
    else next = { url: next.url, form: new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt }) };
  }
  throw new Error('the provider never sent the browser back');
}

let idp: { issuer: string; close(): Promise<void> };
let signIn: PeopleSignIn;

function configFor(overrides: Partial<PeopleSignInConfig> = {}): PeopleSignInConfig {
  return {
    issuer: idp.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    postLogoutRedirectUri: POST_LOGOUT_URI,
    idClaim: 'sub',
    roleClaim: 'ssi_role',
    agencyClaim: 'ssi_agency',
    scope: 'openid ssi',
    allowHttpIssuer: true,
    ...overrides,
  };
}

beforeAll(async () => {
  idp = await startProvider();
  signIn = await peopleSignIn(configFor());
});

afterAll(async () => {
  await idp?.close();
});

/** A sign-in begun and taken through the provider as `account`: the return and what the session kept. */
async function signedInAtProvider(account: string, using: PeopleSignIn = signIn): Promise<{ returned: URL; pending: PendingSignIn }> {
  const { url, pending } = await using.begin();
  return { returned: await atProvider(url, account), pending };
}

/** finish() refuses, for this reason, with its fixed sentence (none of what was sent in it). */
async function expectRefused(finishing: Promise<unknown>, reason: PeopleSignInRefusal, sent: readonly string[] = []): Promise<void> {
  const err = await finishing.then(
    (actor) => new Error(`signed in ${JSON.stringify(actor)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PeopleSignInRefused);
  expect((err as PeopleSignInRefused).reason).toBe(reason);
  for (const text of sent) expect((err as Error).message).not.toContain(text);
}

test('begin() sends the browser to the provider with a PKCE challenge (S256), a state and a nonce, new each time', async () => {
  const first = await signIn.begin();
  const second = await signIn.begin();
  const url = new URL(first.url);
  expect(url.origin + url.pathname).toBe(`${idp.issuer}/auth`);
  const challenge = createHash('sha256').update(first.pending.codeVerifier).digest('base64url');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid ssi',
    state: first.pending.state,
    nonce: first.pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  // The verifier itself never goes to the browser; each sign-in has its own secrets.
  expect(first.url).not.toContain(first.pending.codeVerifier);
  expect(first.pending.codeVerifier.length).toBeGreaterThanOrEqual(43);
  for (const key of ['state', 'nonce', 'codeVerifier'] as const) expect(second.pending[key]).not.toBe(first.pending[key]);
});

test('finish() on the return gives the person the ID token names: their id, role and agency', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  expect(returned.searchParams.get('state')).toBe(pending.state);
  expect(returned.searchParams.get('code')).toEqual(expect.any(String));
  await expect(signIn.finish(returned, pending)).resolves.toEqual({ id: 'bu-person', role: 'business-unit', agency: 'Safeguarding Partnership Business Unit' });

  const ssp = await signedInAtProvider('ssp-person');
  await expect(signIn.finish(ssp.returned, ssp.pending)).resolves.toEqual({ id: 'ssp-person', role: 'ssp', agency: 'Local Authority' });
});

test('only the query of the return is read: the code goes back with the registered redirect URI, however the pages were reached', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  const behindAProxy = new URL(`https://pages.partnership.test/sign-in/return${returned.search}`);
  await expect(signIn.finish(behindAProxy, pending)).resolves.toMatchObject({ id: 'bu-person' });
});

test('a return that is not this sign-in (another state, none, two) is refused, and does not spend the code', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  const other = await signIn.begin();
  await expectRefused(signIn.finish(returned, other.pending), 'state', [pending.state, other.pending.state]);
  await expectRefused(signIn.finish(returned, { ...pending, state: 'forged<script>' }), 'state', ['forged<script>']);
  const withoutState = new URL(returned);
  withoutState.searchParams.delete('state');
  await expectRefused(signIn.finish(withoutState, pending), 'state');
  const twoStates = new URL(returned);
  twoStates.searchParams.append('state', pending.state);
  await expectRefused(signIn.finish(twoStates, pending), 'state');
  // What the session kept is missing (expired, or never started here).
  await expectRefused(signIn.finish(returned, undefined as unknown as PendingSignIn), 'state');
  // None of those reached the provider: the genuine return still signs in.
  await expect(signIn.finish(returned, pending)).resolves.toMatchObject({ id: 'bu-person' });
});

test('a code used twice is refused the second time', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  await expect(signIn.finish(returned, pending)).resolves.toMatchObject({ id: 'bu-person' });
  await expectRefused(signIn.finish(returned, pending), 'code');
});

test('the PKCE verifier is required: the code under another sign-in’s verifier is refused', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  const other = await signIn.begin();
  await expectRefused(signIn.finish(returned, { ...pending, codeVerifier: other.pending.codeVerifier }), 'code', [other.pending.codeVerifier]);
});

test('an ID token for another nonce is refused', async () => {
  const { returned, pending } = await signedInAtProvider('bu-person');
  const other = await signIn.begin();
  await expectRefused(signIn.finish(returned, { ...pending, nonce: other.pending.nonce }), 'id-token', [other.pending.nonce]);
});

test('an account without a known role, or with none, signs in no one', async () => {
  const superuser = await signedInAtProvider('superuser-person');
  await expectRefused(signIn.finish(superuser.returned, superuser.pending), 'unknown-role', ['superuser']);
  const noRole = await signedInAtProvider('no-role-person');
  await expectRefused(signIn.finish(noRole.returned, noRole.pending), 'no-role', ['no-role-person']);
  // Read with claim names the provider does not send (OIDC_ROLE_CLAIM, OIDC_AGENCY_CLAIM set otherwise).
  const strict = await peopleSignIn(configFor({ agencyClaim: 'department' }));
  const bu = await signedInAtProvider('bu-person', strict);
  await expectRefused(strict.finish(bu.returned, bu.pending), 'no-agency');
});

test('a person who cancels at the provider is refused as denied', async () => {
  const { url, pending } = await signIn.begin();
  const returned = await atProvider(url, 'bu-person', { abort: true });
  expect(returned.searchParams.get('error')).toBe('access_denied');
  await expectRefused(signIn.finish(returned, pending), 'denied');
});

test('a public client (no secret) signs in by PKCE alone', async () => {
  const publicSignIn = await peopleSignIn(configFor({ clientId: PUBLIC_CLIENT_ID, clientSecret: undefined }));
  const { returned, pending } = await signedInAtProvider('ssp-person', publicSignIn);
  await expect(publicSignIn.finish(returned, pending)).resolves.toEqual({ id: 'ssp-person', role: 'ssp', agency: 'Local Authority' });
});

test('signing out: the provider’s end-session URL, for this client, back to the pages', () => {
  const url = new URL(signIn.endSessionUrl('an-id-token') ?? '');
  expect(url.origin + url.pathname).toBe(`${idp.issuer}/session/end`);
  expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: CLIENT_ID, id_token_hint: 'an-id-token', post_logout_redirect_uri: POST_LOGOUT_URI });
});

test('plain http only when allowed; a provider that cannot be reached is unavailable, not a refusal', async () => {
  await expect(peopleSignIn(configFor({ allowHttpIssuer: false }))).rejects.toThrow(/https issuer/);
  const closed = createServer();
  const port = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  // The pages start with the provider down; each sign-in tries again.
  const down = await peopleSignIn(configFor({ issuer: `http://127.0.0.1:${port}` }));
  expect(down.endSessionUrl()).toBeUndefined();
  await expect(down.begin()).rejects.toBeInstanceOf(PeopleSignInUnavailable);
  const { returned, pending } = await signedInAtProvider('bu-person');
  await expect(down.finish(returned, pending)).rejects.toBeInstanceOf(PeopleSignInUnavailable);
});
