// What a store operation that could not be done looks like to the rest of the server.
// STORE_UNAVAILABLE: Redis did not answer in time, or is known to be unreachable. The request
// that needed it is answered with that code at once instead of hanging.
//
// A write that was sent but not answered in time may still be applied later. Such an error
// carries `outcome`: the operation itself, which resolves with its result if it was applied
// after all, and rejects if it was not (or if that cannot be known). Callers that must undo
// or announce a late effect (signaling.js) listen to it; a write abandoned before it was sent
// has no outcome.

export class StoreUnavailableError extends Error {
    constructor(message, { outcome = null } = {}) {
        super(message);
        this.code = 'STORE_UNAVAILABLE';
        this.outcome = outcome;
        // Nobody may be listening; a late failure of the abandoned operation is not news.
        outcome?.catch(() => {});
    }
}

// Resolves like `operation`, or rejects with StoreUnavailableError after `ms` (then
// `outcome` is the operation, still running).
export function withTimeout(operation, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(
            () => reject(new StoreUnavailableError(`Redis did not answer ${what} within ${ms} ms`, { outcome: operation })),
            ms,
        );
    });
    return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
