// The people's sign-in the environment asks for (the staff pages through the provider): off
// without OIDC_CLIENT_ID, else the provider's issuer and a redirect URI, https outside development
// as OIDC_ISSUER is for the API; a missing or wrong value is a ConfigError naming the variable.
import { ConfigError, loadEnv, peopleSignInConfig } from '../../config';

const PROVIDER = { OIDC_ISSUER: 'https://idp.partnership.test', OIDC_AUDIENCE: 'https://ssi-api.partnership.test' };
const configFor = (env: Record<string, string>) => peopleSignInConfig(loadEnv(env));

function refusal(env: Record<string, string>): string {
  try {
    configFor(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

test('without OIDC_CLIENT_ID there is no people sign-in through the provider; its other settings alone are a mistake', () => {
  expect(configFor(PROVIDER)).toBeUndefined();
  expect(configFor({ ...PROVIDER, OIDC_CLIENT_ID: '' })).toBeUndefined();
  expect(refusal({ ...PROVIDER, OIDC_REDIRECT_URI: 'https://pages.partnership.test/sign-in/return' })).toMatch(/^OIDC_REDIRECT_URI: set without OIDC_CLIENT_ID/);
  expect(refusal({ ...PROVIDER, OIDC_CLIENT_SECRET: 'a-secret-of-the-client' })).toMatch(/^OIDC_CLIENT_SECRET: set without OIDC_CLIENT_ID/);
});

test('the client at the provider the API trusts, with the same claims; the secret is optional (a public client)', () => {
  const env = { ...PROVIDER, OIDC_CLIENT_ID: 'ssi-staff-pages', OIDC_REDIRECT_URI: 'https://pages.partnership.test/sign-in/return' };
  expect(configFor(env)).toEqual({
    issuer: 'https://idp.partnership.test',
    clientId: 'ssi-staff-pages',
    redirectUri: 'https://pages.partnership.test/sign-in/return',
    idClaim: 'sub',
    roleClaim: 'ssi_role',
    agencyClaim: 'ssi_agency',
    scope: 'openid',
    clockToleranceSeconds: 60,
    allowHttpIssuer: false,
  });
  expect(
    configFor({
      ...env,
      OIDC_CLIENT_SECRET: 'a-secret-of-the-client',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'https://pages.partnership.test/signed-out',
      OIDC_SCOPE: 'openid ssi',
      OIDC_ROLE_CLAIM: 'roles',
    }),
  ).toMatchObject({ clientSecret: 'a-secret-of-the-client', postLogoutRedirectUri: 'https://pages.partnership.test/signed-out', scope: 'openid ssi', roleClaim: 'roles' });
});

test('the issuer and the redirect URI are required with a client id, and the scope must ask for openid', () => {
  expect(refusal({ OIDC_CLIENT_ID: 'ssi-staff-pages', OIDC_REDIRECT_URI: 'https://pages.partnership.test/r' })).toMatch(/^OIDC_ISSUER: required with OIDC_CLIENT_ID/);
  expect(refusal({ ...PROVIDER, OIDC_CLIENT_ID: 'ssi-staff-pages' })).toMatch(/^OIDC_REDIRECT_URI: required with OIDC_CLIENT_ID/);
  const env = { ...PROVIDER, OIDC_CLIENT_ID: 'ssi-staff-pages', OIDC_REDIRECT_URI: 'https://pages.partnership.test/r' };
  expect(refusal({ ...env, OIDC_SCOPE: 'profile email' })).toBe('OIDC_SCOPE: must include openid');
  expect(() => configFor({ ...env, OIDC_SCOPE: 'openid  ssi' })).toThrow(/OIDC_SCOPE: must be scopes separated by single spaces/);
  expect(() => configFor({ ...env, OIDC_REDIRECT_URI: 'not a url' })).toThrow(/OIDC_REDIRECT_URI/);
});

test('https outside development (plain http only to this machine); in development plain http is allowed', () => {
  const env = { OIDC_CLIENT_ID: 'ssi-staff-pages', OIDC_ISSUER: 'https://idp.partnership.test', OIDC_REDIRECT_URI: 'https://pages.partnership.test/r' };
  expect(refusal({ ...env, OIDC_ISSUER: 'http://idp.partnership.test' })).toBe('OIDC_ISSUER: must be https outside development (APP_ENV is production)');
  expect(refusal({ ...env, OIDC_REDIRECT_URI: 'http://pages.partnership.test/r' })).toBe('OIDC_REDIRECT_URI: must be https outside development (APP_ENV is production)');
  expect(refusal({ ...env, OIDC_POST_LOGOUT_REDIRECT_URI: 'http://pages.partnership.test/out' })).toBe(
    'OIDC_POST_LOGOUT_REDIRECT_URI: must be https outside development (APP_ENV is production)',
  );
  expect(refusal({ ...env, OIDC_REDIRECT_URI: 'ftp://pages.partnership.test/r' })).toBe('OIDC_REDIRECT_URI: must be an http(s) URL');
  expect(configFor({ ...env, OIDC_ISSUER: 'http://127.0.0.1:4000' })).toMatchObject({ issuer: 'http://127.0.0.1:4000', allowHttpIssuer: true });
  expect(configFor({ ...env, APP_ENV: 'development', OIDC_ISSUER: 'http://idp.dev.test', OIDC_REDIRECT_URI: 'http://localhost:3000/r' })).toMatchObject({
    allowHttpIssuer: true,
    redirectUri: 'http://localhost:3000/r',
  });
});

test('the client secret never appears in a refusal', () => {
  const message = refusal({ ...PROVIDER, OIDC_CLIENT_SECRET: 'a-secret-of-the-client' });
  expect(message).not.toContain('a-secret-of-the-client');
});
