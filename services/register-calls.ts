// The case service's calls to the register, bounded and in our words: a register that is down or does not
// answer is a 503 RegisterUnavailable ("nothing was changed; try again"), never a 500.
// A refusal the register layer gives on purpose (IdempotencyConflict) passes through as it is.

/** The register failed or did not answer: nothing the request asked for was done. */
export class RegisterUnavailable extends Error {
  constructor() {
    super('the register did not answer');
    this.name = 'RegisterUnavailable';
  }
}

/** How long the API waits for one register call. */
export const REGISTER_CALL_MS = 5_000;

/**
 * A register call: its answer, or RegisterUnavailable if it failed or took longer than
 * REGISTER_CALL_MS. `passes` names the errors that are answers, not outages.
 */
export async function fromRegister<T>(call: () => Promise<T>, passes: (err: unknown) => boolean = () => false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RegisterUnavailable()), REGISTER_CALL_MS);
  });
  try {
    return await Promise.race([call(), late]);
  } catch (err) {
    if (passes(err)) throw err;
    throw err instanceof RegisterUnavailable ? err : new RegisterUnavailable();
  } finally {
    clearTimeout(timer);
  }
}
