// Pushes the list of listed rooms to subscribed sockets (`subscribe-rooms`) when it
// changes: its first page ({rooms, next?}, bounded like any answer; the rest is a
// `list-rooms` with the cursor away). Bursts are coalesced: the first change arms a timer,
// changes until it fires ride along, and one `room-list` goes out with the state then.
// With Redis, each node pushes its own changes to the subscribers of every node
// (io.to(...) goes through the adapter).

export const ROOM_LIST_CHANNEL = 'room-list-subscribers';

export class RoomListFeed {
    // firstPage: () => Promise<{ok, rooms, next?}>.
    constructor({ io, debounceMs, onlyLocalSubscribers, firstPage, logger }) {
        this.io = io;
        this.firstPage = firstPage;
        this.debounceMs = debounceMs;
        // In memory mode every subscriber is local, so a push with nobody listening is skipped.
        this.onlyLocalSubscribers = onlyLocalSubscribers;
        this.logger = logger;
        this.timer = null;
    }

    changed() {
        if (this.timer) return;
        this.timer = setTimeout(() => {
            this.timer = null;
            this.#push().catch((err) =>
                this.logger.error({ event: 'room-list', outcome: 'error', detail: err.message }),
            );
        }, this.debounceMs);
    }

    async #push() {
        if (this.onlyLocalSubscribers && !this.io.of('/').adapter.rooms.has(ROOM_LIST_CHANNEL)) return;
        const { rooms, next } = await this.firstPage();
        this.io.to(ROOM_LIST_CHANNEL).emit('room-list', next === undefined ? { rooms } : { rooms, next });
    }

    close() {
        clearTimeout(this.timer);
        this.timer = null;
    }
}
