// A focused experiment beside `npm run bench:api`: what each layer of the API costs a decision,
// with no Temporal at all (a stub client answers at once with a real-sized answer). Several copies
// of the app listen at once, each with one layer of createApp's stack taken out (or a setting
// changed) at run time, and are called in rotating order, back to back; api/app.ts is not touched.
//   node dist/scripts/bench/api-layers.js   (EXP_SAMPLES, default 3000 per variant)
process.env.TZ = 'UTC';

import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { KeyRing } from '../../config/key-ring';
import { openRegister } from '../../register/database';
import { createApp } from '../../api/app';
import { tokenHash } from '../../api/auth';
import { apiClient, PEOPLE } from './api-round-trip';
import { cleanups, listen, load, ms, percentile, runBenchmark } from './common';

const SAMPLES = Number(process.env.EXP_SAMPLES ?? 3000);

/** A review-progress answer as a case gives it (533 bytes of JSON in bench:api). */
const ANSWER = {
  caseReference: 'DSP-2026-0001',
  stage: 'lcspr',
  facts: { sspInformedAt: '2026-12-01T10:00:00.000Z', criteria: 'met', panelReference: 'CSPRP-BENCH-0001', levelOfReview: 'lcspr', reviewerId: 'reviewer-1', reviewer: 'Independent reviewer (bench)' },
  due: [
    { id: 'lcspr-final-report', title: 'Final LCSPR report', dueAt: '2027-06-01T17:00:00.000Z', status: 'open' },
    { id: 'review-progress', title: 'Review progress', dueAt: '2027-01-01T17:00:00.000Z', status: 'open' },
  ],
  pending: { notices: 1, records: 1 },
  duplicate: false,
};

type App = ReturnType<typeof createApp>;
interface Layer {
  name: string;
  route?: { path: string; methods: Record<string, boolean> };
}

async function main(): Promise<void> {
  const register = openRegister('sqlite::memory:');
  cleanups.push(() => register.destroy());
  const ring = new KeyRing('bench', { bench: randomBytes(32) });
  const users = { users: PEOPLE.map(({ id, role, agency, token }) => ({ id, role, agency, tokenSha256: tokenHash(token) })) };
  const temporal = {
    options: { namespace: 'default' },
    withDeadline: (_d: unknown, fn: () => Promise<unknown>) => fn(),
    workflow: { getHandle: () => ({ executeUpdate: async () => structuredClone(ANSWER) }) },
  } as unknown as Client;
  const make = () => createApp({ temporal, register, ring, users, smtpReachable: async () => true });
  const stackOf = (app: App) => (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const names = stackOf(make()).map((l, i) => `${i}:${l.route ? `${Object.keys(l.route.methods).join('/')} ${l.route.path}` : l.name}`);
  console.log(`createApp's stack: ${names.join(', ')}`);

  const variants: Array<{ name: string; adjust?: (app: App) => void }> = [{ name: 'as it is' }, { name: "app.set('etag', false)", adjust: (app) => app.set('etag', false) }];
  // Each layer the decision passes, but those it cannot do without: sign-in (EXP_AUTH_LAYER), the body parser and its own route.
  const authLayer = Number(process.env.EXP_AUTH_LAYER ?? -1);
  stackOf(make()).forEach((layer, i) => {
    if (i === authLayer || layer.name === 'jsonParser' || layer.route?.path === '/cases/:caseReference/decisions/:decision') return;
    if (i >= stackOf(make()).findIndex((l) => l.route?.path === '/cases/:caseReference/decisions/:decision')) return;
    variants.push({ name: `without ${names[i]}`, adjust: (app) => stackOf(app).splice(i, 1) });
  });
  const servers = await Promise.all(
    variants.map(async (v) => {
      const app = make();
      v.adjust?.(app);
      const served: number[] = [];
      const api = apiClient(await listen(app, (_p, took) => served.push(took)));
      return { ...v, api, served, took: [] as number[] };
    }),
  );
  const loadBefore = load();
  for (let round = 0; round < 200 + SAMPLES; round++) {
    for (let k = 0; k < servers.length; k++) {
      const s = servers[(round + k) % servers.length]!;
      const t0 = performance.now();
      const res = await s.api.decide('DSP-2026-0001', 'review-progress', 'reviewer', { summary: `Practitioner event held (round ${round}).` });
      if (res.status !== 200) throw new Error(`${s.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      if (round >= 200) s.took.push(performance.now() - t0);
    }
  }
  console.log(`load ${loadBefore} -> ${load()}; ${SAMPLES} requests to each, back to back, rotating; ms`);
  console.log(`${'variant'.padEnd(40)}${['round p50', 'p90', 'server p50', 'p90', 'mean'].map((c) => c.padStart(11)).join('')}`);
  for (const s of servers) {
    const took = s.took.sort((a, b) => a - b);
    const served = s.served.slice(-SAMPLES).sort((a, b) => a - b);
    const mean = served.reduce((a, b) => a + b, 0) / served.length;
    console.log(`${s.name.padEnd(40)}${[percentile(took, 50), percentile(took, 90), percentile(served, 50), percentile(served, 90), mean].map((v) => ms(v * 1000).padStart(11)).join('')}  (µs)`);
  }
}

runBenchmark(main);
