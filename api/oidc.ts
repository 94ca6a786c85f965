// Sign-in with the partnership's identity provider (OpenID Connect): the bearer token is a JWT
// access token the provider issued for this API. It is verified here, with the provider's keys
// (its JWKS, found through its discovery document or configured), for this issuer and audience,
// unexpired, and signed with an asymmetric algorithm; the person is then read from its claims:
// their id, role (one of ROLES) and agency. A token that fails any check signs in no one (401);
// nothing about a token or its claims is ever logged or put in an error, only a fixed reason word.
import { createRemoteJWKSet, errors, jwtVerify, type JWTHeaderParameters, type FlattenedJWSInput, type JWTPayload } from 'jose';
import { ROLES, type Actor, type Role } from '../domain/roles';
import { SignInUnavailable, type SignIn } from './auth';

/** The algorithms a token may be signed with: asymmetric only (never `none`, never HS*). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export interface OidcSignInOptions {
  /** The provider's issuer identifier, exactly as its tokens' `iss` (OIDC_ISSUER). */
  issuer: string;
  /** This API's audience (resource) identifier, as the tokens' `aud` (OIDC_AUDIENCE). */
  audience: string;
  /** The provider's JWKS; else the `jwks_uri` of `<issuer>/.well-known/openid-configuration` (OIDC_JWKS_URL). */
  jwksUrl?: string;
  /** The claim naming the person (OIDC_ID_CLAIM, default `sub`). */
  idClaim?: string;
  /** The claim holding their role, one of ROLES (OIDC_ROLE_CLAIM, default `ssi_role`). */
  roleClaim?: string;
  /** The claim holding their agency (OIDC_AGENCY_CLAIM, default `ssi_agency`). */
  agencyClaim?: string;
  /** Seconds of clock difference allowed on `exp`, `nbf` and `iat` (OIDC_CLOCK_TOLERANCE_SECONDS, default 60). */
  clockToleranceSeconds?: number;
  /** A subset of ASYMMETRIC_ALGORITHMS (default: all of them). */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Bound on each fetch of the discovery document and the JWKS (default 5 s). */
  fetchTimeoutMs?: number;
  /** Told why a token signed in no one, as a fixed word (for a log line or a metric; never the token). */
  onRefusal?: (reason: OidcRefusal) => void;
  /** Told why tokens cannot be checked (the discovery document or the JWKS), in our own words. */
  onUnavailable?: (reason: string) => void;
}

export type OidcRefusal =
  | 'malformed'
  | 'too-long'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims'
  | 'no-id'
  | 'no-role'
  | 'unknown-role'
  | 'no-agency';

export const OIDC_DEFAULTS = { idClaim: 'sub', roleClaim: 'ssi_role', agencyClaim: 'ssi_agency', clockToleranceSeconds: 60, fetchTimeoutMs: 5_000 } as const;

/** Far above any real access token; a longer one is not parsed at all. */
const MAX_TOKEN_LENGTH = 16_384;

class Refused extends Error {
  constructor(readonly reason: OidcRefusal) {
    super(reason);
  }
}

function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** The provider's `jwks_uri`, from its discovery document (whose `issuer` must be the configured one). */
async function discoverJwksUrl(issuer: string, timeoutMs: number): Promise<URL> {
  let document: unknown;
  try {
    const response = await fetch(discoveryUrl(issuer), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: 'error' });
    if (response.status !== 200) throw new SignInUnavailable(`the discovery document answered ${response.status}`);
    document = await response.json();
  } catch (err) {
    if (err instanceof SignInUnavailable) throw err;
    throw new SignInUnavailable((err as Error).name === 'TimeoutError' ? 'the discovery document did not answer in time' : 'the discovery document cannot be fetched');
  }
  const { issuer: said, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (said !== issuer) throw new SignInUnavailable('the discovery document names another issuer');
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new SignInUnavailable('the discovery document has no jwks_uri');
  return new URL(jwksUri);
}

function stringClaim(payload: JWTPayload, claim: string, maxLength: number): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value.trim().length > 0 && value.length <= maxLength ? value : undefined;
}

/** A role claim: one role, as a string or as an array of exactly one string (as some providers send roles). */
function roleOf(payload: JWTPayload, claim: string): Role | 'no-role' | 'unknown-role' {
  const raw = payload[claim];
  if (raw === undefined || raw === null) return 'no-role';
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value)) return 'unknown-role';
  return value as Role;
}

/** The claims that name a person: which claim holds their id, their role and their agency. */
export interface PersonClaims {
  idClaim: string;
  roleClaim: string;
  agencyClaim: string;
}

/** Why verified claims name no one the system knows. */
export type ClaimsRefusal = Extract<OidcRefusal, 'no-id' | 'no-role' | 'unknown-role' | 'no-agency'>;

/**
 * The person verified claims name (an access token's here; the people's sign-in reads an ID
 * token's the same way, web/oidc-sign-in.ts), or why they name no one: their id, a role that is
 * one of ROLES, and their agency. The claims must already be verified; nothing here checks them.
 */
export function actorFromClaims(claims: JWTPayload, names: PersonClaims): Actor | ClaimsRefusal {
  const id = stringClaim(claims, names.idClaim, 200);
  if (!id) return 'no-id';
  const role = roleOf(claims, names.roleClaim);
  if (role === 'no-role' || role === 'unknown-role') return role;
  const agency = stringClaim(claims, names.agencyClaim, 120);
  if (!agency) return 'no-agency';
  return { id, role, agency };
}

/** Why jose refused a token, as a fixed word; an error that is not about the token is rethrown. */
function refusalOf(err: unknown): OidcRefusal {
  if (err instanceof Refused) return err.reason;
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'issuer';
    if (err.claim === 'aud') return 'audience';
    if (err.claim === 'nbf') return 'not-yet-valid';
    return 'claims';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JWKInvalid || err instanceof errors.JOSENotSupported) {
    return 'unknown-key';
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSEError) return 'malformed';
  throw err;
}

/**
 * The OIDC sign-in: a JWT access token to the person it names, or no one. Throws SignInUnavailable
 * (answered 503) when the provider's keys cannot be fetched within the timeout; a token is never
 * accepted without them.
 */
export function oidcSignIn(options: OidcSignInOptions): SignIn {
  const idClaim = options.idClaim ?? OIDC_DEFAULTS.idClaim;
  const roleClaim = options.roleClaim ?? OIDC_DEFAULTS.roleClaim;
  const agencyClaim = options.agencyClaim ?? OIDC_DEFAULTS.agencyClaim;
  const clockTolerance = options.clockToleranceSeconds ?? OIDC_DEFAULTS.clockToleranceSeconds;
  const timeoutMs = options.fetchTimeoutMs ?? OIDC_DEFAULTS.fetchTimeoutMs;
  const algorithms = [...(options.algorithms ?? ASYMMETRIC_ALGORITHMS)];
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) throw new Error(`${alg} is not an asymmetric JWS algorithm this sign-in allows`);
  }
  if (!options.issuer || !options.audience) throw new Error('the OIDC sign-in needs an issuer and an audience');

  // The key set: jose caches it, fetches again for an unknown key ID (at most every 30 s), and
  // bounds each fetch. Found lazily, so the API starts while the provider is briefly down; a
  // failed discovery is tried again on the next token.
  type KeySet = ReturnType<typeof createRemoteJWKSet>;
  let keySet: Promise<KeySet> | undefined;
  const remoteKeySet = (): Promise<KeySet> => {
    keySet ??= (options.jwksUrl ? Promise.resolve(new URL(options.jwksUrl)) : discoverJwksUrl(options.issuer, timeoutMs)).then(
      (url) => createRemoteJWKSet(url, { timeoutDuration: timeoutMs, headers: { accept: 'application/json' } }),
      (err: unknown) => {
        keySet = undefined;
        throw err;
      },
    );
    return keySet;
  };
  const key = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    const jwks = await remoteKeySet();
    try {
      return await jwks(header, token);
    } catch (err) {
      // About this token's key: it signs in no one. Anything else is the fetch: unavailable.
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported || err instanceof errors.JWKInvalid) {
        throw err;
      }
      throw new SignInUnavailable(err instanceof errors.JWKSTimeout ? 'the JWKS did not answer in time' : 'the JWKS cannot be fetched');
    }
  };

  const signIn = async (token: string): Promise<Actor> => {
    if (token.length > MAX_TOKEN_LENGTH) throw new Refused('too-long');
    const { payload } = await jwtVerify(token, key, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms,
      clockTolerance,
      requiredClaims: ['exp', 'iss', 'aud'],
    });
    const actor = actorFromClaims(payload, { idClaim, roleClaim, agencyClaim });
    if (typeof actor === 'string') throw new Refused(actor);
    return actor;
  };

  return async (token) => {
    try {
      return await signIn(token);
    } catch (err) {
      if (err instanceof SignInUnavailable) {
        options.onUnavailable?.(err.message);
        throw err;
      }
      const reason = refusalOf(err);
      options.onRefusal?.(reason);
      return undefined;
    }
  };
}
