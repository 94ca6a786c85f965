// The staff pages' sign-in through the partnership's identity provider, from the environment
// (OIDC_CLIENT_ID and the rest): the same provider and claims as the API's tokens.
import { ConfigError, isSecureUrl, type Env } from './index';

/** How people sign in to the staff pages through the provider (web/oidc-sign-in.ts builds the sign-in from it). */
export interface PeopleSignInConfig {
  /** The provider's issuer identifier (OIDC_ISSUER), as its ID tokens' `iss`. */
  issuer: string;
  clientId: string;
  /** Unset: a public client, signed in by PKCE alone. */
  clientSecret?: string;
  redirectUri: string;
  postLogoutRedirectUri?: string;
  /** The claims that name the person, the same as the API's access tokens (OIDC_ID_CLAIM and the rest). */
  idClaim: string;
  roleClaim: string;
  agencyClaim: string;
  /** Space-separated, including `openid` (default `openid`). */
  scope?: string;
  clockToleranceSeconds?: number;
  /**
   * Plain http to the provider. Only a provider on this machine (development, the tests) may be
   * reached that way; the sign-in refuses an http issuer without it.
   */
  allowHttpIssuer?: boolean;
}

/**
 * The people's sign-in the environment asks for, or undefined when OIDC_CLIENT_ID is unset. The
 * same provider as the API's tokens, the same claims, and the same rule as OIDC_ISSUER: https
 * outside development, except to this machine.
 */
export function peopleSignInConfig(env: Env): PeopleSignInConfig | undefined {
  if (!env.OIDC_CLIENT_ID) {
    for (const [name, value] of [['OIDC_CLIENT_SECRET', env.OIDC_CLIENT_SECRET], ['OIDC_REDIRECT_URI', env.OIDC_REDIRECT_URI], ['OIDC_POST_LOGOUT_REDIRECT_URI', env.OIDC_POST_LOGOUT_REDIRECT_URI]] as const) {
      if (value) throw new ConfigError(`${name}: set without OIDC_CLIENT_ID (the people's sign-in needs this system's client id at the provider)`);
    }
    return undefined;
  }
  if (!env.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER: required with OIDC_CLIENT_ID (the identity provider people sign in with, as its ID tokens\' iss)');
  if (!env.OIDC_REDIRECT_URI) throw new ConfigError('OIDC_REDIRECT_URI: required with OIDC_CLIENT_ID (where the provider sends the browser back, as registered with it)');
  if (!env.OIDC_SCOPE.split(' ').includes('openid')) throw new ConfigError('OIDC_SCOPE: must include openid');
  const urls = [['OIDC_ISSUER', env.OIDC_ISSUER], ['OIDC_REDIRECT_URI', env.OIDC_REDIRECT_URI], ['OIDC_POST_LOGOUT_REDIRECT_URI', env.OIDC_POST_LOGOUT_REDIRECT_URI]] as const;
  for (const [name, value] of urls) {
    if (value && !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(`${name}: must be an http(s) URL`);
    if (value && env.APP_ENV !== 'development' && !isSecureUrl(value)) throw new ConfigError(`${name}: must be https outside development (APP_ENV is ${env.APP_ENV})`);
  }
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
    redirectUri: env.OIDC_REDIRECT_URI,
    ...(env.OIDC_POST_LOGOUT_REDIRECT_URI ? { postLogoutRedirectUri: env.OIDC_POST_LOGOUT_REDIRECT_URI } : {}),
    idClaim: env.OIDC_ID_CLAIM,
    roleClaim: env.OIDC_ROLE_CLAIM,
    agencyClaim: env.OIDC_AGENCY_CLAIM,
    scope: env.OIDC_SCOPE,
    clockToleranceSeconds: env.OIDC_CLOCK_TOLERANCE_SECONDS,
    allowHttpIssuer: new URL(env.OIDC_ISSUER).protocol === 'http:',
  };
}
