/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Two suites are their own runs, so that npm test stays under 10 minutes on two cores: the
  // procedure's paths on the time-skipping server (npm run test:workflow, about 3.5 minutes) and
  // the pages in chromium (npm run test:browser). .ci/run runs all three and counts them together.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/test/workflow/'],
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
