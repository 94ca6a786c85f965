// Preloaded (node --expose-gc -r) into the benchmark's worker process (scripts/bench/common.ts,
// startWorkerProcess): SIGWINCH runs a full collection of the main thread's heap, so the worker's
// RSS is read without the garbage of the work just done (npm run bench, figures 5 and 6). Not
// SIGUSR2: the SDK's runtime takes that as a signal to shut down; SIGWINCH is ignored by default.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) process.on('SIGWINCH', () => gc());
