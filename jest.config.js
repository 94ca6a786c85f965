/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The browser suite (staff pages in chromium) is its own run: npm run test:browser.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // jose, oidc-provider, openid-client and its oauth4webapi are ESM only: transformed to CommonJS
  // like the sources (everything else in node_modules is CommonJS already and left as it is).
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider|openid-client|oauth4webapi)/)'],
  // Workers run in UTC (TEMPORAL-NOTES: Date methods use the host zone); Europe/London
  // arithmetic happens explicitly in the calendar.
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 120000,
};
