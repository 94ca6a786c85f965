// TRUST_PROXY (issue 16, item 2): the reverse proxy whose X-Forwarded-For the API believes, which
// decides the address the rate limits key on. Off unless set; a hop count or a list of addresses
// and subnets; anything else, Express's permissive `true` included, stops the API at start naming
// the variable. What is accepted is what Express's own `trust proxy` setting then applies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { ConfigError, loadEnv, PROJECT_ROOT } from '../../config';

const trustProxyOf = (value?: string) => loadEnv(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;

function refusal(value: string): string {
  try {
    trustProxyOf(value);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
}

/** Whether Express, given the setting, believes a hop from `address` (the `index`th from the API). */
function trusts(setting: unknown, address: string, index = 0): boolean {
  const app = express();
  app.set('trust proxy', setting);
  return (app.get('trust proxy fn') as (addr: string, i: number) => boolean)(address, index);
}

test('off by default: unset, empty (compose passes an unset variable so), false or 0', () => {
  for (const value of [undefined, '', 'false', '0']) expect(trustProxyOf(value)).toBe(false);
  expect(trusts(trustProxyOf(), '127.0.0.1')).toBe(false);
});

test('a hop count: that many proxies in front of the API', () => {
  expect(trustProxyOf('1')).toBe(1);
  expect(trustProxyOf(' 2 ')).toBe(2);
  expect(trusts(trustProxyOf('1'), '10.0.0.5', 0)).toBe(true);
  expect(trusts(trustProxyOf('1'), '10.0.0.5', 1)).toBe(false);
});

test('addresses, subnets and Express\'s named ranges, comma-separated', () => {
  const setting = trustProxyOf('10.0.0.5, 10.1.0.0/16,fd00::/8, loopback');
  expect(setting).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  expect(trusts(setting, '10.0.0.5')).toBe(true);
  expect(trusts(setting, '10.1.200.3')).toBe(true);
  expect(trusts(setting, '127.0.0.1')).toBe(true);
  expect(trusts(setting, 'fd12::1')).toBe(true);
  expect(trusts(setting, '10.2.0.1')).toBe(false);
  expect(trusts(setting, '203.0.113.9')).toBe(false);
});

test('true (trust every hop) is refused: any client could write itself a new address', () => {
  expect(refusal('true')).toMatch(/^environment: TRUST_PROXY: true would trust any address a client writes in X-Forwarded-For/);
});

test('a bad value stops the API at start, naming the variable and the entry, and saying what to give', () => {
  const cases: Array<[string, RegExp]> = [
    ['proxy.example.org', /"proxy\.example\.org" is not an address, a subnet \(address\/prefix\) or one of loopback, linklocal, uniquelocal/],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33": the prefix length must be 0-32/],
    ['fd00::/129', /"fd00::\/129": the prefix length must be 0-128/],
    ['10.0.0.5,,10.0.0.6', /an empty entry/],
    ['10.0.0.5, 1', /"1" is not an address/],
    ['-1', /"-1" is not an address/],
    ['11', /11 proxies in front of the API is surely a mistake/],
    ['10.0.0.256', /"10\.0\.0\.256" is not an address/],
  ];
  for (const [value, message] of cases) {
    const text = refusal(value);
    expect(text).toMatch(/^environment: TRUST_PROXY: /);
    expect(text).toMatch(message);
    expect(text).toContain('give the number of proxies in front of the API (e.g. 1), or their addresses and subnets');
  }
});

test('the value config/compose.env.example suggests is accepted, and docker-compose.yml passes the variable (empty: off)', () => {
  const example = readFileSync(path.join(PROJECT_ROOT, 'config', 'compose.env.example'), 'utf8');
  const suggested = /^#TRUST_PROXY=(.*)$/m.exec(example)?.[1];
  expect(suggested).toBeDefined();
  expect(trustProxyOf(suggested)).toEqual([suggested]);
  expect(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')).toContain('  TRUST_PROXY: ${TRUST_PROXY:-}\n');
});
