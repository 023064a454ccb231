// `npm run bench:size`: what a page must load for conferencing, broadcasting, screen sharing,
// text and files, gzip -9, ours next to the published rtcmulticonnection stack measured from
// node_modules in the same run, and where our bytes go: the wasm core by origin (symbol map
// of the web build), the Emscripten glue, the facade and the signaling client. Prints;
// asserts nothing. Needs `npm run build:web` first (dist/ and build/wasm/bindings/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmOrigins } from './wasm-origins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const at = (file) => path.join(root, file);
// GNU gzip -9, the measure of the issue tracker and of scripts/build-web.sh (zlib's level 9
// differs by about 1%).
const gz = (bytes) => execFileSync('gzip', ['-9c'], { input: bytes, maxBuffer: 64 << 20 }).length;
const read = (file) => readFileSync(at(file));
const esbuild = at('node_modules/.bin/esbuild');

const ours = read('dist/RTCMultiConnection.js');
const wasm = read('build/wasm/bindings/rtcmc_core_web.wasm');
const symbols = readFileSync(at('build/wasm/bindings/rtcmc_core_web.js.symbols'), 'utf8');
const glue = read('build/wasm/bindings/rtcmc_core_web.js');
const embedded = read('build/wasm/bindings/rtcmc_core_wasm_data.js');

// The bundle without the wasm bytes: the facade, the Emscripten glue and our socket.io client,
// built as scripts/build-web.sh builds the script tag (esbuild, then Closure at CLOSURE_LEVEL).
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rtcmc-size-'));
writeFileSync(path.join(scratch, 'empty-wasm.js'), 'export default "";\n');
const bundled = path.join(scratch, 'bundled.js');
const withoutWasm = path.join(scratch, 'no-wasm.js');
const metafile = path.join(scratch, 'meta.json');
execFileSync(esbuild, [
    at('web/global.js'), '--bundle', '--platform=browser', '--target=es2020', '--format=iife', '--sourcemap',
    `--alias:rtcmc-core-module=${at('build/wasm/bindings/rtcmc_core_web.js')}`,
    `--alias:rtcmc-core-wasm=${path.join(scratch, 'empty-wasm.js')}`,
    `--outfile=${bundled}`, `--metafile=${metafile}`, '--log-level=warning',
]);
execFileSync('node', [at('scripts/closure-bundle.mjs'), process.env.CLOSURE_LEVEL || 'ADVANCED', bundled, withoutWasm]);
// Without its sourceMappingURL comment, which the real bundle has too but is not code.
const jsOnly = Buffer.from(readFileSync(withoutWasm, 'utf8').replace(/\/\/# sourceMappingURL=.*\n$/, ''));

// Our JS by part. Closure minifies the bundle as a whole, so a part's share cannot be cut out
// of it: each part's files are minified on their own by esbuild and gzipped together, which
// ranks the parts (their sum is not the bundle's size).
const inputs = Object.keys(JSON.parse(readFileSync(metafile, 'utf8')).inputs).filter((file) => file.startsWith('web/'));
const JS_PARTS = [
    ['signaling client (web/signaling/)', (file) => file.startsWith('web/signaling/')],
    ['files and text (web/data/)', (file) => file.startsWith('web/data/')],
    ['media and peers (web/media/, web/peers/)', (file) => /^web\/(media|peers)\//.test(file)],
    ['facade (web/*.js)', () => true],
];
const jsParts = JS_PARTS.map(([name]) => ({ name, files: [] }));
for (const file of inputs) jsParts[JS_PARTS.findIndex(([, matches]) => matches(file))].files.push(file);
for (const part of jsParts) {
    const minified = part.files.map((file) => execFileSync(esbuild, [at(file), '--minify', '--log-level=error']));
    part.bytes = minified.reduce((sum, code) => sum + code.length, 0);
    part.gzip = gz(Buffer.concat(minified));
}
rmSync(scratch, { recursive: true, force: true });

const upstreamFiles = [
    'node_modules/rtcmulticonnection/dist/RTCMultiConnection.min.js',
    'node_modules/fbr/FileBufferReader.min.js',
    'node_modules/socket.io-client/dist/socket.io.min.js',
];
const upstreamParts = upstreamFiles.map((file) => read(file));
const upstreamTotal = gz(Buffer.concat(upstreamParts));

const row = (name, bytes, gzipped) => console.log(`${name.padEnd(66)} ${String(bytes).padStart(9)} ${String(gzipped).padStart(9)}`);
console.log(`${'file'.padEnd(66)} ${'bytes'.padStart(9)} ${'gzip -9'.padStart(9)}`);
console.log('ours (one <script>: library + wasm core + our socket.io client)');
row('  dist/RTCMultiConnection.js (everything a page loads)', ours.length, gz(ours));
row('  part: the wasm core (raw .wasm)', wasm.length, gz(wasm));
row('  part: the wasm core as embedded (deflate + base64)', embedded.length, gz(embedded));
row('  part: JS without the wasm (facade + Emscripten glue + signaling)', jsOnly.length, gz(jsOnly));
row('  part: of which the Emscripten glue', glue.length, gz(glue));

const { rows, sections } = wasmOrigins(wasm, symbols);
console.log('the wasm core by origin (code bytes of each group; gzip of the group alone)');
for (const origin of rows) row(`  ${origin.group} (${origin.functions} functions)`, origin.bytes, origin.gzip);
for (const section of sections.filter((entry) => entry.size > 1000)) row(`  ${section.name} section`, section.size, '');
row('  other sections', sections.filter((entry) => entry.size <= 1000).reduce((sum, entry) => sum + entry.size, 0), '');
console.log('  largest functions:');
for (const origin of rows.slice(0, 4)) {
    for (const fn of origin.largest.slice(0, 2)) console.log(`    ${String(fn.bytes).padStart(6)}  ${fn.name.slice(0, 110)}`);
}

console.log('our JS by part (each minified alone by esbuild; ranks the parts, does not add up)');
for (const part of jsParts) row(`  ${part.name} (${part.files.length} files)`, part.bytes, part.gzip);

console.log('published rtcmulticonnection stack');
upstreamFiles.forEach((file, i) => row('  ' + file.replace('node_modules/', ''), upstreamParts[i].length, gz(upstreamParts[i])));
row('  the three concatenated', upstreamParts.reduce((sum, part) => sum + part.length, 0), upstreamTotal);
console.log(`ratio ours / upstream (gzip): ${(gz(ours) / upstreamTotal).toFixed(2)}`);
console.log(`page-load budget (issue 11): ${gz(ours).toLocaleString('en')} B gzip of at most 100,000 (next: 80,000)`);
