// Sign-in for people on the staff pages: OpenID Connect's authorization code flow with PKCE against
// the partnership's identity provider, the one whose access tokens the API accepts (api/oidc.ts).
// begin() says where to send the browser and what the session keeps until it comes back (state,
// nonce, PKCE verifier); finish() takes the browser's return, has the code exchanged for tokens,
// checks the ID token (its signature against the provider's keys, issuer, audience, nonce, expiry)
// and reads the person from its claims exactly as the API reads an access token's: their id, a
// role that is one of ROLES, their agency. A return that signs in no one throws
// PeopleSignInRefused with a fixed reason and a plain sentence; nothing a browser or the provider
// sent is ever put in an error or a log. Express routes and sessions are not here (web/).
import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import { decodeProtectedHeader, errors } from 'jose';
import { ASYMMETRIC_ALGORITHMS, actorFromClaims, type ClaimsRefusal } from '../api/oidc';
import type { PeopleSignInConfig } from '../config';
import type { Actor } from '../domain/roles';

export type { PeopleSignInConfig } from '../config';

/** What the session keeps between begin() and finish(): one sign-in's secrets, used once. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface PeopleSignIn {
  /** Where to send the browser, and what to keep in the session until it comes back. */
  begin(): Promise<{ url: string; pending: PendingSignIn }>;
  /**
   * The person the provider signed in, from the browser's return to the redirect URI (only its
   * query is read: the path is the configured OIDC_REDIRECT_URI). Throws PeopleSignInRefused
   * (a fixed reason) when it signs in no one, PeopleSignInUnavailable when the provider cannot
   * be reached or refuses this client. Forget `pending` either way: it is good for one return.
   */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<Actor>;
  /** The provider's end-session URL (for signing out there too), or undefined if it has none. */
  endSessionUrl(idTokenHint?: string): string | undefined;
}

/** Why a return from the provider signed in no one. */
export type PeopleSignInRefusal =
  /** Not the sign-in this browser started (or it was started elsewhere, or the session expired). */
  | 'state'
  /** The person did not sign in or did not agree at the provider (access_denied, login_required...). */
  | 'denied'
  /** The provider answered with an error of its own (server_error, temporarily_unavailable...). */
  | 'provider-error'
  /** The return is malformed: no code, another issuer's `iss`. */
  | 'response'
  /** The provider would not exchange the code: used already, expired, or not this PKCE verifier's. */
  | 'code'
  /** The ID token failed a check: signature, issuer, audience, nonce, expiry, algorithm. */
  | 'id-token'
  | ClaimsRefusal;

const REFUSAL_MESSAGES: Readonly<Record<PeopleSignInRefusal, string>> = {
  state: 'This sign-in was not started from this browser, or it has expired. Sign in again.',
  denied: 'The identity provider did not sign you in.',
  'provider-error': 'The identity provider could not sign you in just now. Try again shortly.',
  response: 'The answer from the identity provider could not be used. Sign in again.',
  code: 'The sign-in could not be completed (it may have been used already or have expired). Sign in again.',
  'id-token': 'The identity provider’s answer failed its checks. Sign in again.',
  'no-id': 'Your account at the identity provider does not say who you are. Ask your administrator.',
  'no-role': 'Your account has no role in this system. Ask the Business Unit to give you one.',
  'unknown-role': 'Your account’s role is not one this system knows. Ask the Business Unit to check it.',
  'no-agency': 'Your account does not name your agency. Ask the Business Unit to add it.',
};

/** A return from the provider that signs in no one: `reason` for code and logs, `message` for the person. */
export class PeopleSignInRefused extends Error {
  constructor(readonly reason: PeopleSignInRefusal) {
    super(REFUSAL_MESSAGES[reason]);
    this.name = 'PeopleSignInRefused';
  }
}

/** The provider cannot be used just now (unreachable, slow, refusing this client): not the person's doing. */
export class PeopleSignInUnavailable extends Error {
  constructor(reason: string) {
    super(`sign-in through the identity provider is unavailable: ${reason}`);
    this.name = 'PeopleSignInUnavailable';
  }
}

/** Errors the authorization endpoint returns when the person did not (or could not) sign in or agree. */
const DENIALS = new Set(['access_denied', 'login_required', 'consent_required', 'interaction_required', 'account_selection_required']);

/** Bound on each request to the provider (discovery, keys, token endpoint), in seconds. */
const PROVIDER_TIMEOUT_SECONDS = 5;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function isPending(value: unknown): value is PendingSignIn {
  const p = value as Partial<PendingSignIn> | undefined;
  return typeof p?.state === 'string' && p.state !== '' && typeof p.nonce === 'string' && p.nonce !== '' && typeof p.codeVerifier === 'string' && p.codeVerifier !== '';
}

/** openid-client's codes for a provider that cannot be used (not an answer about this sign-in). */
const UNAVAILABLE_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN']);

function unavailable(err: unknown): PeopleSignInUnavailable {
  const timedOut = err instanceof client.ClientError && err.code === 'OAUTH_TIMEOUT';
  return new PeopleSignInUnavailable(timedOut ? 'the provider did not answer in time' : 'the provider cannot be reached or answered unexpectedly');
}

/**
 * Why openid-client refused a return whose state, issuer and code were already checked here: the
 * provider's error, the code refused at the token endpoint, or the tokens failing their checks.
 * The provider being unusable (unreachable, slow, refusing this client) is thrown as unavailable.
 */
function refusalOf(err: unknown): PeopleSignInRefusal {
  if (err instanceof client.AuthorizationResponseError) return DENIALS.has(err.error) ? 'denied' : 'provider-error';
  if (err instanceof client.ResponseBodyError) {
    // The client's own credentials refused: configuration, not the person.
    if (err.error === 'invalid_client' || err.error === 'unauthorized_client') throw new PeopleSignInUnavailable('the provider refuses this client');
    return 'code';
  }
  if (err instanceof client.ClientError && err.code !== undefined && !UNAVAILABLE_CODES.has(err.code)) return 'id-token';
  throw unavailable(err);
}

/** Exactly one state in the return, and it is this sign-in's. */
function isThisSignIn(params: URLSearchParams, pending: unknown): pending is PendingSignIn {
  const state = params.getAll('state');
  return isPending(pending) && state.length === 1 && sameSecret(state[0] ?? '', pending.state);
}

/**
 * What else can be told of the return before openid-client takes it, so that its own refusals
 * can only be about the tokens: the issuer, if named, is the provider's (RFC 9207); without an
 * error, exactly one code.
 */
function returnRefusal(params: URLSearchParams, issuer: string, issRequired: boolean): PeopleSignInRefusal | undefined {
  const iss = params.getAll('iss');
  if (iss.length > 1 || (iss.length === 1 && iss[0] !== issuer) || (iss.length === 0 && issRequired)) return 'response';
  if (!params.has('error') && params.getAll('code').length !== 1) return 'response';
  return undefined;
}

/**
 * The people's sign-in at the provider. The provider's discovery document is read now; if the
 * provider is down, the pages still start and each sign-in tries again (PeopleSignInUnavailable
 * until it answers), as the API's token checks do.
 */
export async function peopleSignIn(config: PeopleSignInConfig): Promise<PeopleSignIn> {
  const issuer = new URL(config.issuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && config.allowHttpIssuer)) {
    throw new Error('the people sign-in needs an https issuer (plain http only to a provider in development or a test)');
  }
  if (!config.clientId || !URL.canParse(config.redirectUri)) throw new Error('the people sign-in needs a client id and a redirect URI');
  const scope = config.scope ?? 'openid';
  if (!scope.split(' ').includes('openid')) throw new Error('the people sign-in scope must include openid');
  const names = { idClaim: config.idClaim, roleClaim: config.roleClaim, agencyClaim: config.agencyClaim };

  let discovered: Promise<client.Configuration> | undefined;
  let known: client.Configuration | undefined;
  const provider = (): Promise<client.Configuration> => {
    discovered ??= discover(config, issuer).then(
      (configuration) => (known = configuration),
      (err: unknown) => {
        discovered = undefined;
        throw err;
      },
    );
    return discovered;
  };
  // Tried once now so endSessionUrl knows the provider from the start; a failure waits for the next sign-in.
  await provider().catch(() => undefined);

  return {
    async begin() {
      const configuration = await provider();
      const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },

    async finish(callbackUrl, pending) {
      // The state first: a return this browser did not start goes no further (not even to the provider).
      const params = callbackUrl.searchParams;
      if (!isThisSignIn(params, pending)) throw new PeopleSignInRefused('state');
      const configuration = await provider();
      const metadata = configuration.serverMetadata();
      const refusal = returnRefusal(params, metadata.issuer, metadata.authorization_response_iss_parameter_supported === true);
      if (refusal) throw new PeopleSignInRefused(refusal);
      // The redirect URI sent with the code is the registered one, whatever host or scheme the
      // request reached the pages by (behind a proxy): only the return's query is taken.
      const returned = new URL(config.redirectUri);
      returned.search = callbackUrl.search;
      const actor = actorFromClaims(await idTokenClaims(configuration, returned, pending), names);
      if (typeof actor === 'string') throw new PeopleSignInRefused(actor);
      return actor;
    },

    endSessionUrl(idTokenHint) {
      if (!known?.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(known, {
        ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
        ...(config.postLogoutRedirectUri ? { post_logout_redirect_uri: config.postLogoutRedirectUri } : {}),
      }).href;
    },
  };
}

/**
 * The code exchanged at the token endpoint (with the PKCE verifier and this client's credentials)
 * and the claims of the ID token that comes back, checked by openid-client: its signature against
 * the provider's keys (enableNonRepudiationChecks), issuer, audience, nonce, expiry.
 */
async function idTokenClaims(configuration: client.Configuration, returned: URL, pending: PendingSignIn): Promise<client.IDToken> {
  try {
    const tokens = await client.authorizationCodeGrant(configuration, returned, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    // Asymmetric signatures only, as for the API's tokens (never `none`, never a shared secret).
    const { alg } = decodeProtectedHeader(tokens.id_token ?? '');
    const claims = tokens.claims();
    if (!claims || !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg ?? '')) throw new PeopleSignInRefused('id-token');
    return claims;
  } catch (err) {
    if (err instanceof PeopleSignInRefused || err instanceof PeopleSignInUnavailable) throw err;
    if (err instanceof errors.JOSEError) throw new PeopleSignInRefused('id-token');
    throw new PeopleSignInRefused(refusalOf(err));
  }
}

/** The provider's discovery document, for this client; its `issuer` must be the configured one (openid-client checks). */
async function discover(config: PeopleSignInConfig, issuer: URL): Promise<client.Configuration> {
  const execute = [client.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [])];
  try {
    return await client.discovery(
      issuer,
      config.clientId,
      {
        redirect_uris: [config.redirectUri],
        response_types: ['code'],
        ...(config.clientSecret ? { client_secret: config.clientSecret } : {}),
        [client.clockTolerance]: config.clockToleranceSeconds ?? 60,
      },
      config.clientSecret ? client.ClientSecretBasic(config.clientSecret) : client.None(),
      { execute, timeout: PROVIDER_TIMEOUT_SECONDS },
    );
  } catch (err) {
    const timedOut = err instanceof client.ClientError && err.code === 'OAUTH_TIMEOUT';
    throw new PeopleSignInUnavailable(timedOut ? 'the discovery document did not answer in time' : 'the discovery document cannot be fetched or names another issuer');
  }
}
