// Jest runs ES-module tests under `node --experimental-vm-modules` (see scripts/test.sh).
// Node-side suites only; the browser suites live in jest.e2e.config.js.
export default {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/tests/js/**/*.test.js'],
    transform: {},
    // The facade imports its core by the bundle's names (scripts/build-web.sh): here, the
    // Node build (npm run build:wasm).
    moduleNameMapper: {
        '^rtcmc-core-module$': '<rootDir>/build/wasm/bindings/rtcmc_core.js',
        '^rtcmc-core-wasm$': '<rootDir>/tests/js/support/core-wasm.js',
    },
    testTimeout: 60000,
};
