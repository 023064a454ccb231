// web/sfu/sfu-driver.js when Janus stops answering, with the real wasm core: the core gives up
// after its deadline (onerror SFU_UNAVAILABLE, a best-effort destroy) and joins again after
// 1 s, 2 s, 4 s ... unless the server said Janus is gone, in which case it waits for the
// server's 'back'. The policy is the core's (tests/core/sfu_client_test.cpp); this checks that
// the driver's ticks and the server's words reach it. A viewer plan (publishes nothing,
// receives nobody) needs no peer connection, so the driver runs here without a browser.
import { jest } from '@jest/globals';
import { loadCore, provideEmbeddedWasm } from '../../../web/loader.js';
import embeddedWasm from 'rtcmc-core-wasm';
import { SfuDriver } from '../../../web/sfu/sfu-driver.js';

let core;
beforeAll(async () => {
    provideEmbeddedWasm(embeddedWasm);
    core = await loadCore();
});

const DEADLINE_MS = 20000; // the core's kTransactionDeadlineMs (src/sfu/limits.def)

function driverWithClock() {
    const start = Date.now(); // Jest's fake clock: it moves with the fake timers
    const sent = [];
    const errors = [];
    const driver = new SfuDriver(core, { publish: false, receiveFrom: 'nobody', owner: 'alice' }, 'bob', {
        send: (frame) => sent.push(JSON.parse(frame)),
        localStreams: () => [],
        iceServers: () => [],
        now: () => Date.now() - start,
        onTrack: () => {},
        onStreamGone: () => {},
        onError: (error) => errors.push(error),
    });
    const advance = (ms) => jest.advanceTimersByTime(ms);
    return { driver, sent, errors, advance };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
    jest.useRealTimers();
    expect(core.SfuClient.liveInstances()).toBe(0);
});

test('an unanswered create is reported, and the driver joins again with growing pauses', () => {
    const { driver, sent, errors, advance } = driverWithClock();
    driver.start();
    expect(sent.map((frame) => frame.janus)).toEqual(['create']);

    advance(DEADLINE_MS); // the tick at the deadline (the driver ticks every second)
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('SFU_UNAVAILABLE');
    expect(driver.joined).toBe(false);

    advance(1000); // first pause
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(2);
    advance(DEADLINE_MS);
    expect(errors).toHaveLength(2);
    advance(1000);
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(2); // the pause doubled
    advance(1000);
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(3);
    driver.close();
});

test('a session Janus stopped answering is destroyed before the next join', () => {
    const { driver, sent, advance } = driverWithClock();
    driver.start();
    driver.receive(JSON.stringify({ janus: 'success', transaction: sent[0].transaction, data: { id: 77 } }));
    expect(sent.map((frame) => frame.janus)).toEqual(['create', 'attach']);
    advance(DEADLINE_MS);
    expect(sent.map((frame) => frame.janus)).toEqual(['create', 'attach', 'destroy']);
    expect(sent[2].session_id).toBe(77);
    driver.close();
});

test("after the server's 'gone' the driver waits for 'back', and close() stops everything", () => {
    const { driver, sent, errors, advance } = driverWithClock();
    driver.start();
    driver.status('gone');
    expect(errors).toHaveLength(1);
    advance(60000);
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(1);
    driver.status('back');
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(2);

    // A pending rejoin dies with close().
    advance(DEADLINE_MS);
    expect(errors).toHaveLength(2);
    driver.close();
    advance(60000);
    expect(sent.filter((frame) => frame.janus === 'create')).toHaveLength(2);
});
