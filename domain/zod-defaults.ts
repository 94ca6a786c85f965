// zod keeps its settings in one shared config object, and sets its defaults (English messages,
// the memoizer its containers use) the first time a schema of a kind is built. The workflow
// bundle shares zod across workflows, frozen (workers/incident-worker.ts, SHARED_WORKFLOW_MODULES),
// so they are set here, once, before it is frozen: a workflow that set them later would fail on
// the frozen object. `jitless`: schemas are built per check and dropped (domain/decisions.ts), so
// compiling each to a function would cost more than it saves; and the lazy test whether eval is
// allowed would write to a frozen object.
import { z } from 'zod';

z.config({ ...z.locales.en(), memoizer: z.core.memoizer(), jitless: true });
