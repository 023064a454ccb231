// `npm run bench:size`: what a page must load for conferencing, broadcasting, screen sharing,
// text and files, gzip -9, ours next to the published rtcmulticonnection stack measured from
// node_modules in the same run. Prints; asserts nothing. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const at = (file) => path.join(root, file);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const read = (file) => readFileSync(at(file));

const ours = read('dist/RTCMultiConnection.js');
const wasm = read('build/wasm/bindings/rtcmc_core_web.wasm');
const glue = read('build/wasm/bindings/rtcmc_core_web.js');
const embedded = read('build/wasm/bindings/rtcmc_core_wasm_data.js');

// The bundle without the wasm bytes: the facade, the Emscripten glue and our socket.io client,
// built as scripts/build-web.sh builds the script tag (esbuild, then Closure at CLOSURE_LEVEL).
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rtcmc-size-'));
writeFileSync(path.join(scratch, 'empty-wasm.js'), 'export default "";\n');
const bundled = path.join(scratch, 'bundled.js');
const withoutWasm = path.join(scratch, 'no-wasm.js');
execFileSync(at('node_modules/.bin/esbuild'), [
    at('web/global.js'), '--bundle', '--platform=browser', '--target=es2020', '--format=iife', '--sourcemap',
    `--alias:rtcmc-core-module=${at('build/wasm/bindings/rtcmc_core_web.js')}`,
    `--alias:rtcmc-core-wasm=${path.join(scratch, 'empty-wasm.js')}`,
    `--outfile=${bundled}`, '--log-level=warning',
]);
execFileSync('node', [at('scripts/closure-bundle.mjs'), process.env.CLOSURE_LEVEL || 'ADVANCED', bundled, withoutWasm]);
// Without its sourceMappingURL comment, which the real bundle has too but is not code.
const jsOnly = Buffer.from(readFileSync(withoutWasm, 'utf8').replace(/\/\/# sourceMappingURL=.*\n$/, ''));
rmSync(scratch, { recursive: true, force: true });

const upstreamFiles = [
    'node_modules/rtcmulticonnection/dist/RTCMultiConnection.min.js',
    'node_modules/fbr/FileBufferReader.min.js',
    'node_modules/socket.io-client/dist/socket.io.min.js',
];
const upstreamParts = upstreamFiles.map((file) => read(file));
const upstreamTotal = gz(Buffer.concat(upstreamParts));

const row = (name, bytes, gzipped) => console.log(`${name.padEnd(62)} ${String(bytes).padStart(9)} ${String(gzipped).padStart(9)}`);
console.log(`${'file'.padEnd(62)} ${'bytes'.padStart(9)} ${'gzip -9'.padStart(9)}`);
console.log('ours (one <script>: library + wasm core + our socket.io client)');
row('  dist/RTCMultiConnection.js (everything a page loads)', ours.length, gz(ours));
row('  part: the wasm core (raw .wasm)', wasm.length, gz(wasm));
row('  part: the wasm core as embedded (deflate + base64)', embedded.length, gz(embedded));
row('  part: JS without the wasm (facade + Emscripten glue + signaling)', jsOnly.length, gz(jsOnly));
row('  part: of which the Emscripten glue', glue.length, gz(glue));
console.log('published rtcmulticonnection stack');
upstreamFiles.forEach((file, i) => row('  ' + file.replace('node_modules/', ''), upstreamParts[i].length, gz(upstreamParts[i])));
row('  the three concatenated', upstreamParts.reduce((sum, part) => sum + part.length, 0), upstreamTotal);
console.log(`ratio ours / upstream (gzip): ${(gz(ours) / upstreamTotal).toFixed(2)}  (target <= 1.00; stretch: under 41,265 B)`);
