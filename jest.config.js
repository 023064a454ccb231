// Jest runs ES-module tests under `node --experimental-vm-modules` (see scripts/test.sh).
// Node-side suites only; the browser suites live in jest.e2e.config.js.
export default {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/tests/js/**/*.test.js'],
    transform: {},
    testTimeout: 60000,
};
