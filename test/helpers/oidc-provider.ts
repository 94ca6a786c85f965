// A real OpenID provider (oidc-provider) in the test's process, on 127.0.0.1, as the partnership's
// would be for people signing in to the pages: the code flow with PKCE required, ES256 ID tokens,
// its development login form (any account name signs in as that account, any password), and the
// directory's role and agency claims in the ID token under a scope of their own (`ssi`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import type { Role } from '../../domain/roles';

/** A person in the provider's directory. */
export interface ProviderAccount {
  id: string;
  /** The role claim as the directory holds it (for some, none or not a role at all). */
  role?: Role | string;
  agency: string;
}

/** A client registered at the provider: the pages, confidential (a secret) or public (PKCE alone). */
export interface ProviderClient {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1: the port. */
export async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/** The provider, started with these people and clients; close() ends it with its open connections. */
export async function startTestProvider(accounts: readonly ProviderAccount[], clients: readonly ProviderClient[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'people-key-1', alg: 'ES256', use: 'sig' };
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const issuer = `http://127.0.0.1:${await listenOnFreePort(server)}`;
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const registered: ClientMetadata[] = clients.map((c) => ({
    client_id: c.clientId,
    ...(c.clientSecret ? { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
  }));
  const provider = new Provider(issuer, {
    clients: registered,
    jwks: { keys: [privateJwk] },
    cookies: { keys: ['people-sign-in-test-cookie-key'] },
    claims: { openid: ['sub'], ssi: ['ssi_role', 'ssi_agency'] },
    // The scope's claims in the ID token itself (not only at the userinfo endpoint).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Short lives, set (the provider otherwise notes each default it falls back to).
    ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, IdToken: 300, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = byId.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...(account.role ? { ssi_role: account.role } : {}), ssi_agency: account.agency }) };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
