// The sign-in the environment asks for, and the API's refusal to start with the development token
// file anywhere but development: a ConfigError naming the variable, before anything is connected.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, EXAMPLE_USERS_FILE, loadEnv, PROJECT_ROOT, signInConfig } from '../../config';
import { startApi } from '../../api/main';

const configFor = (env: Record<string, string>) => signInConfig(loadEnv(env));

function refusal(env: Record<string, string>): ConfigError {
  try {
    configFor(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

/** A users file of one's own (not the example), outside the repository. */
function ownUsersFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ssi-users-')), 'users.json');
  writeFileSync(file, JSON.stringify({ users: [] }));
  return file;
}

test('APP_ENV unset is production, and there SIGN_IN unset is OIDC, which needs its issuer and audience', () => {
  expect(loadEnv({}).APP_ENV).toBe('production');
  expect(refusal({}).message).toMatch(/^OIDC_ISSUER: required with SIGN_IN=oidc/);
  expect(refusal({ OIDC_ISSUER: 'https://idp.partnership.test' }).message).toMatch(/^OIDC_AUDIENCE: required with SIGN_IN=oidc/);
  expect(configFor({ OIDC_ISSUER: 'https://idp.partnership.test', OIDC_AUDIENCE: 'https://ssi-api.partnership.test' })).toEqual({
    kind: 'oidc',
    issuer: 'https://idp.partnership.test',
    audience: 'https://ssi-api.partnership.test',
    idClaim: 'sub',
    roleClaim: 'ssi_role',
    agencyClaim: 'ssi_agency',
    clockToleranceSeconds: 60,
  });
});

test('the development tokens outside development are refused, naming SIGN_IN and APP_ENV', () => {
  const err = refusal({ APP_ENV: 'production', SIGN_IN: 'dev-tokens', USERS_FILE: ownUsersFile() });
  expect(err.message).toContain('SIGN_IN=dev-tokens (the local token file, USERS_FILE) is for development only, and APP_ENV is production');
  expect(err.message).toContain('SIGN_IN=oidc');
});

test('the example users file outside development is refused, naming USERS_FILE', () => {
  const envs: Array<Record<string, string>> = [{ SIGN_IN: 'dev-tokens' }, { SIGN_IN: 'dev-tokens', APP_ENV: 'production', USERS_FILE: EXAMPLE_USERS_FILE }, { SIGN_IN: 'dev-tokens', USERS_FILE: '/etc/ssi/users.example.json' }];
  for (const env of envs) {
    expect(refusal(env).message).toMatch(/^USERS_FILE is the example users file \(config\/users\.example\.json\), whose tokens are published with the code: it is for development only, and APP_ENV is production/);
  }
});

test('in development the token file is the default, the example file included; OIDC may be chosen there too', () => {
  expect(configFor({ APP_ENV: 'development' })).toEqual({ kind: 'dev-tokens', usersFile: EXAMPLE_USERS_FILE });
  expect(configFor({ APP_ENV: 'development', OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_AUDIENCE: 'api', SIGN_IN: 'oidc', OIDC_CLOCK_TOLERANCE_SECONDS: '5', OIDC_ROLE_CLAIM: 'roles' })).toMatchObject({
    kind: 'oidc',
    issuer: 'http://127.0.0.1:9000',
    clockToleranceSeconds: 5,
    roleClaim: 'roles',
  });
});

test('outside development the provider is reached over https (plain http only on this machine)', () => {
  const oidc = { OIDC_AUDIENCE: 'api' };
  expect(refusal({ ...oidc, OIDC_ISSUER: 'http://idp.partnership.test' }).message).toBe('OIDC_ISSUER: must be https outside development (APP_ENV is production)');
  expect(refusal({ ...oidc, OIDC_ISSUER: 'https://idp.partnership.test', OIDC_JWKS_URL: 'http://idp.partnership.test/jwks' }).message).toBe(
    'OIDC_JWKS_URL: must be https outside development (APP_ENV is production)',
  );
  expect(configFor({ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000' })).toMatchObject({ kind: 'oidc' });
});

test('malformed values are refused naming the variable, never echoing the value', () => {
  for (const [name, value] of [
    ['APP_ENV', 'staging-secret-value'],
    ['SIGN_IN', 'secret-value-xyz'],
    ['OIDC_ISSUER', 'not a url secret-value'],
    ['OIDC_CLOCK_TOLERANCE_SECONDS', '99999'],
  ] as const) {
    let message = '';
    try {
      loadEnv({ [name]: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect({ name, named: message.includes(name), echoed: message.includes(value) }).toEqual({ name, named: true, echoed: false });
  }
});

test('the compose stack\'s settings (docker-compose.yml with config/compose.env.example) are OIDC and accepted', () => {
  const example = readFileSync(path.join(PROJECT_ROOT, 'config', 'compose.env.example'), 'utf8');
  const oidc = Object.fromEntries(example.split('\n').filter((l) => l.startsWith('OIDC_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const compose = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
  expect(compose).toContain('  APP_ENV: production\n  SIGN_IN: oidc\n');
  expect(compose).not.toContain('USERS_FILE:');
  expect(configFor({ APP_ENV: 'production', SIGN_IN: 'oidc', ...oidc })).toEqual({
    kind: 'oidc',
    issuer: 'https://login.safeguarding-partnership.example',
    audience: 'https://ssi-api.safeguarding-partnership.example',
    idClaim: 'sub',
    roleClaim: 'ssi_role',
    agencyClaim: 'ssi_agency',
    clockToleranceSeconds: 60,
  });
});

describe('the API refuses to start', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('with the development tokens outside development, before connecting to anything', async () => {
    // A Temporal address nothing answers at: the refusal must come first, and at once.
    Object.assign(process.env, { APP_ENV: 'production', SIGN_IN: 'dev-tokens', USERS_FILE: ownUsersFile(), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const started = Date.now();
    await expect(startApi()).rejects.toThrow(new ConfigError(
      'SIGN_IN=dev-tokens (the local token file, USERS_FILE) is for development only, and APP_ENV is production. Set SIGN_IN=oidc with OIDC_ISSUER and OIDC_AUDIENCE (docs/API.md: Signing in), or APP_ENV=development on a developer\'s machine.',
    ));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('with the example users file outside development', async () => {
    Object.assign(process.env, { SIGN_IN: 'dev-tokens', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    delete process.env.APP_ENV;
    delete process.env.USERS_FILE;
    await expect(startApi()).rejects.toBeInstanceOf(ConfigError);
    await expect(startApi()).rejects.toThrow(/^USERS_FILE is the example users file/);
  });
});
