// Sign-in with a real OpenID provider (oidc-provider, in this process on 127.0.0.1): people get JWT
// access tokens for the API's audience the way a client does (client_credentials with a resource
// indicator; their role and agency as claims), and use them on the real API on the real Temporal
// dev server. Every token that should not sign anyone in is 401 for its own reason (the sign-in
// says which, as a fixed word); the provider's keys unreachable is 503 within the fetch timeout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import { base64url, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import Provider from 'oidc-provider';
import request from 'supertest';
import { EncryptionCodec } from '../../config/payload-codec';
import { createApp } from '../../api/app';
import { CODEC_SESSION_COOKIE } from '../../api/codec-server';
import { oidcSignIn, type OidcRefusal } from '../../api/oidc';
import type { Role } from '../../domain/roles';
import { validReferralForm } from '../fixtures/referral-form';
import { bearer, settledCase, startDevStack, type DevStack } from '../helpers/dev-stack';
import { TEST_KEY_RING } from '../helpers/keys';

const AUDIENCE = 'https://ssi-api.partnership.test';
const OTHER_AUDIENCE = 'https://another-api.partnership.test';

interface Person {
  id: string;
  secret: string;
  /** The role claim as the provider sends it (for one person, not a role at all). */
  role: Role | string;
  agency: string;
}

const PEOPLE: Person[] = [
  { id: 'bu-oidc', secret: 'secret-bu-oidc-0123456789abcdef', role: 'business-unit', agency: 'Safeguarding Partnership Business Unit' },
  { id: 'ssp-oidc', secret: 'secret-ssp-oidc-0123456789abcdef', role: 'ssp', agency: 'Local Authority' },
  { id: 'superuser-oidc', secret: 'secret-superuser-0123456789abcdef', role: 'superuser', agency: 'Nowhere' },
];

interface RunningProvider {
  issuer: string;
  /** The provider's signing key (private), as a test that forges tokens with it needs. */
  privateJwk: JWK;
  /** An access token for a person, from the token endpoint. */
  token(person: Person, resource?: string): Promise<string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** An OpenID provider on a free port: ES256 keys, client_credentials, JWT access tokens per resource. */
async function startProvider(people: readonly Person[], kid: string): Promise<RunningProvider> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const byId = new Map(people.map((p) => [p.id, p]));
  const provider = new Provider(issuer, {
    clients: people.map((p) => ({
      client_id: p.id,
      client_secret: p.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256',
    })),
    jwks: { keys: [privateJwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'cases',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    // The person's role and agency, as the partnership's directory would give them.
    extraTokenClaims: (_ctx, token) => {
      const person = byId.get((token as { clientId?: string }).clientId ?? '');
      return person ? { ssi_role: person.role, ssi_agency: person.agency } : {};
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    privateJwk,
    async token(person, resource = AUDIENCE) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: person.id, client_secret: person.secret, resource, scope: 'cases' }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (res.status !== 200 || !body.access_token) throw new Error(`the provider gave no token: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
      return body.access_token;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that accepts connections and never answers (a provider that hangs). */
async function startHangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(() => undefined);
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let stack: DevStack;
let idp: RunningProvider;
let otherIdp: RunningProvider;
let app: Express;
const refusals: OidcRefusal[] = [];
const person = (id: string) => PEOPLE.find((p) => p.id === id)!;

/** An app on the same stack with another OIDC sign-in (unreachable providers). */
function appWith(signIn: ReturnType<typeof oidcSignIn>): Express {
  return createApp({ ...stack.appDependencies, users: signIn, smtpReachable: () => Promise.resolve(true) });
}

beforeAll(async () => {
  [stack, idp, otherIdp] = await Promise.all([startDevStack(), startProvider(PEOPLE, 'partnership-key-1'), startProvider(PEOPLE, 'elsewhere-key-1')]);
  // The production sign-in, as api/main.ts builds it (discovery, then the JWKS), default tolerance.
  const signIn = oidcSignIn({ issuer: idp.issuer, audience: AUDIENCE, onRefusal: (reason) => refusals.push(reason) });
  app = createApp({ ...stack.appDependencies, users: signIn, smtpReachable: () => Promise.resolve(true), codec: new EncryptionCodec(TEST_KEY_RING), codecUiOrigin: 'http://127.0.0.1:8233' });
});

afterAll(async () => {
  await Promise.all([stack?.stop(), idp?.close(), otherIdp?.close()]);
});

beforeEach(() => {
  refusals.length = 0;
});

/** A token signed with the given private key (by default the provider's own), claims as given. */
async function forge(claims: Record<string, unknown>, options: { key?: JWK; alg?: string; kid?: string } = {}): Promise<string> {
  const key = await importJWK(options.key ?? idp.privateJwk, options.alg ?? 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? idp.privateJwk.kid!, typ: 'at+jwt' }).sign(key);
}

/** Claims a good token for the business unit would carry, the provider's issuer and our audience. */
function goodClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: idp.issuer, aud: AUDIENCE, sub: 'bu-oidc', ssi_role: 'business-unit', ssi_agency: 'Safeguarding Partnership Business Unit', iat: now, exp: now + 300, ...overrides };
}

async function expectRefused(token: string, reason: OidcRefusal): Promise<void> {
  const res = await request(app).get('/cases/DSP-2026-0001').set(bearer(token));
  expect({ status: res.status, code: res.body?.error?.code, reasons: refusals }).toEqual({ status: 401, code: 'Unauthenticated', reasons: [reason] });
  expect(res.get('www-authenticate')).toBe('Bearer');
  // Nothing of the token or its claims comes back.
  expect(res.text).not.toContain(token.slice(0, 20));
  expect(res.text).not.toContain('bu-oidc');
  refusals.length = 0;
}

/** Whether a token signs in: any answer but 401 (and 503) to a request that needs a person. */
async function signsIn(token: string): Promise<boolean> {
  const res = await request(app).get('/cases/DSP-2099-0001').set(bearer(token));
  return res.status !== 401 && res.status !== 503;
}

test('a person signed in through the provider opens a case, reads it and records a decision (200)', async () => {
  const buToken = await idp.token(person('bu-oidc'));
  const sspToken = await idp.token(person('ssp-oidc'));
  // What the provider issued: an access token for our audience, with the role and agency claims.
  expect(decodeProtectedHeader(buToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: 'partnership-key-1' });
  expect(decodeJwt(buToken)).toMatchObject({ iss: idp.issuer, aud: AUDIENCE, sub: 'bu-oidc', ssi_role: 'business-unit', ssi_agency: 'Safeguarding Partnership Business Unit' });

  const created = await request(app).post('/referrals').set(bearer(buToken)).set('Idempotency-Key', 'oidc-referral-1').send({ referral: validReferralForm() });
  expect(created.status).toBe(201);
  const ref = created.body.caseReference as string;

  const read = await settledCase(app, ref, sspToken);
  expect(read.status).toBe(200);
  expect(read.body.caseReference).toBe(ref);

  const decided = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(buToken)).set('Idempotency-Key', `oidc-ssp-informed-${ref}`).send({ note: 'Partners informed' });
  expect(decided.status).toBe(200);
  expect(decided.body.stage).toBe('awaiting-ssp-decision');

  // The role comes from the token: the SSP may not record what the Business Unit records.
  const wrongRole = await request(app).post(`/cases/${ref}/decisions/ssp-informed`).set(bearer(sspToken)).send({});
  expect(wrongRole.status).toBe(403);
  expect(refusals).toEqual([]);
});

test('expired, wrong-audience, wrong-issuer, unsigned and wrongly signed tokens are 401, each for its reason', async () => {
  // Expired an hour ago: far beyond the 60 s tolerance.
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  await expectRefused(await forge(goodClaims({ iat: hourAgo - 300, exp: hourAgo })), 'expired');
  // Within the tolerance it is still good (clocks differ): 30 s past exp.
  const justExpired = await forge(goodClaims({ exp: Math.floor(Date.now() / 1000) - 30 }));
  expect(await signsIn(justExpired)).toBe(true);

  // Issued by the provider, for another API.
  await expectRefused(await idp.token(person('bu-oidc'), OTHER_AUDIENCE), 'audience');
  // Signed with the provider's key but naming another issuer.
  await expectRefused(await forge(goodClaims({ iss: 'https://idp.elsewhere.test' })), 'issuer');
  // Issued by another provider (its issuer; its key, which our provider's JWKS does not have).
  await expectRefused(await otherIdp.token(person('bu-oidc')), 'unknown-key');
  // Its token under our provider's key ID: the signature does not verify.
  const elsewhere = await otherIdp.token(person('bu-oidc'));
  await expectRefused(await forge(decodeJwt(elsewhere), { key: otherIdp.privateJwk, kid: idp.privateJwk.kid! }), 'signature');

  // Unsigned: alg none, with claims that would otherwise be good.
  const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(goodClaims()))}.`;
  await expectRefused(unsigned, 'algorithm');
  // HS256 with the provider's public key as the secret (the algorithm-confusion attack).
  const { d: _d, ...publicJwk } = idp.privateJwk;
  const confused = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'HS256', kid: idp.privateJwk.kid! }).sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
  await expectRefused(confused, 'algorithm');

  // Wrongly signed: another key, under the provider's key ID; and another key under an unknown ID.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const otherKey = { ...(await exportJWK(privateKey)), alg: 'ES256' };
  await expectRefused(await forge(goodClaims(), { key: otherKey }), 'signature');
  await expectRefused(await forge(goodClaims(), { key: otherKey, kid: 'not-a-key-of-the-provider' }), 'unknown-key');
  // A good token with its signature from another token.
  const good = await idp.token(person('bu-oidc'));
  const [h, p] = good.split('.');
  const otherSignature = (await forge(goodClaims({ sub: 'someone-else' }))).split('.')[2];
  await expectRefused(`${h}.${p}.${otherSignature}`, 'signature');

  // Without exp, or not a JWT at all.
  const { exp: _exp, ...noExp } = goodClaims();
  await expectRefused(await forge(noExp), 'claims');
  await expectRefused('dev-business-unit-token', 'malformed');

  // And the good token still signs in.
  expect(await signsIn(good)).toBe(true);
});

test('a token whose role claim is not a role, or that lacks the role or agency, signs in no one (401)', async () => {
  await expectRefused(await idp.token(person('superuser-oidc')), 'unknown-role');
  const { ssi_role: _role, ...noRole } = goodClaims();
  await expectRefused(await forge(noRole), 'no-role');
  await expectRefused(await forge(goodClaims({ ssi_role: ['business-unit', 'ssp'] })), 'unknown-role');
  const { ssi_agency: _agency, ...noAgency } = goodClaims();
  await expectRefused(await forge(noAgency), 'no-agency');
  // One role as a one-element array (as some providers send roles) is that role.
  const asArray = await forge(goodClaims({ ssi_role: ['business-unit'] }));
  expect(await signsIn(asArray)).toBe(true);
});

test('the claims are configurable: id, role and agency from other claims', async () => {
  const signIn = oidcSignIn({ issuer: idp.issuer, audience: AUDIENCE, idClaim: 'email', roleClaim: 'https://partnership.test/role', agencyClaim: 'org' });
  const token = await forge(goodClaims({ email: 'bu@partnership.test', 'https://partnership.test/role': 'business-unit', org: 'Business Unit' }));
  await expect(signIn(token)).resolves.toEqual({ id: 'bu@partnership.test', role: 'business-unit', agency: 'Business Unit' });
  await expect(signIn(await forge(goodClaims()))).resolves.toBeUndefined();
});

test('the codec sign-in form takes an OIDC access token (a JWT) and refuses a bad one', async () => {
  const token = await idp.token(person('bu-oidc'));
  const signedIn = await request(app).post('/codec/sign-in').type('form').send({ token });
  expect(signedIn.status).toBe(200);
  expect(signedIn.text).toContain('Signed in as <strong>bu-oidc</strong>, role <strong>business-unit</strong>');
  expect(String(signedIn.headers['set-cookie'])).toContain(`${CODEC_SESSION_COOKIE}=`);
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  const refused = await request(app).post('/codec/sign-in').type('form').send({ token: await forge(goodClaims({ exp: hourAgo })) });
  expect(refused.status).toBe(401);
  expect(refused.headers['set-cookie']).toBeUndefined();
  // The bearer token on the codec's own calls goes through the same sign-in.
  const decoded = await request(app).post('/codec/decode').set(bearer(token)).send({ payloads: [] });
  expect(decoded.status).toBe(200);
});

test('the provider unreachable is 503 within the fetch timeout, never a hang and never a sign-in', async () => {
  const hanging = await startHangingServer();
  try {
    const token = await idp.token(person('bu-oidc'));
    const unavailable: string[] = [];
    const cases: Array<[string, ReturnType<typeof oidcSignIn>]> = [
      // The JWKS hangs; the discovery document hangs; nothing listens.
      ['jwks hangs', oidcSignIn({ issuer: idp.issuer, audience: AUDIENCE, jwksUrl: `${hanging.url}/jwks`, fetchTimeoutMs: 1_000, onUnavailable: (r) => unavailable.push(r) })],
      ['discovery hangs', oidcSignIn({ issuer: hanging.url, audience: AUDIENCE, fetchTimeoutMs: 1_000 })],
      ['refused', oidcSignIn({ issuer: idp.issuer, audience: AUDIENCE, jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks`, fetchTimeoutMs: 1_000 })],
    ];
    for (const [what, signIn] of cases) {
      const started = Date.now();
      const res = await request(appWith(signIn)).get('/cases/DSP-2026-0001').set(bearer(token));
      const ms = Date.now() - started;
      expect({ what, status: res.status, code: res.body?.error?.code, retryAfter: res.get('retry-after') }).toEqual({ what, status: 503, code: 'SignInUnavailable', retryAfter: '5' });
      expect({ what, fast: ms < 4_000 }).toEqual({ what, fast: true });
      expect(res.text).not.toContain(token.slice(0, 20));
    }
    // Said in our own words, for the operator's log.
    expect(unavailable).toEqual(['sign-in cannot check tokens: the JWKS did not answer in time']);
    // The codec's form answers the same way (a page, 503).
    const [, hangs] = cases[0]!;
    const codecApp = createApp({ ...stack.appDependencies, users: hangs, smtpReachable: () => Promise.resolve(true), codec: new EncryptionCodec(TEST_KEY_RING) });
    const form = await request(codecApp).post('/codec/sign-in').type('form').send({ token });
    expect(form.status).toBe(503);
    expect(form.text).toContain('id="unavailable"');
  } finally {
    await hanging.close();
  }
});
