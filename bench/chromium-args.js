// The benchmarks' Chromium flags: ../shared/TOOLCHAIN.md's headless flags, plus those of
// ../shared/reference/perf-anchors.md: real host addresses instead of mDNS names, precise
// performance.memory, no throttling of background pages, and no spare renderer (so each page's
// renderer PID can be told apart).
export const BENCH_CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--enable-precise-memory-info',
    '--disable-features=WebRtcHideLocalIpsWithMdns,SpareRendererForSitePerProcess',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    // More flags for an experiment, e.g. BENCH_CHROMIUM_ARGS="--js-flags=--no-liftoff".
    ...(process.env.BENCH_CHROMIUM_ARGS || '').split(/\s+/).filter(Boolean),
];
