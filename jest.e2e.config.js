// The browser suites: real Chromium (playwright-core, /usr/bin/chromium, fake devices), real
// RTCPeerConnections and our real signaling server. Started by scripts/e2e.sh inside a
// private network namespace, as
//   node --experimental-vm-modules node_modules/jest/bin/jest.js -c jest.e2e.config.js
// One test file at a time: each launches its own Chromium, and several video pages already
// keep both cores of a small machine busy.
export default {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/tests/e2e/**/*.test.js'],
    transform: {},
    maxWorkers: 1,
    // Waits inside the tests have their own, shorter limits with a message saying what was
    // awaited; these only catch a hang outside them.
    testTimeout: 120000,
    slowTestThreshold: 30,
};
