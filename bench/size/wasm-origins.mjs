// Where the bytes of a wasm module come from: function bodies grouped by the library their
// (demangled) name belongs to, using the symbol map that emcc writes with --emit-symbol-map
// (bindings/CMakeLists.txt asks for it on the web build). LTO inlines across libraries, so a
// body counts for the outermost name it kept: read the groups as orders of magnitude.
import { execFileSync } from 'node:child_process';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

// The groups, first match wins. nlohmann's templates instantiated with our types are
// nlohmann's cost; embind's are embind's; `std::` over our types is libc++'s.
const GROUPS = [
    ['nlohmann/json', (name) => name.includes('nlohmann::')],
    ['embind (C++ side)', (name) => /^_?embind|emscripten::|\bembind_/.test(name) || firstMarker(name) === 'emscripten::'],
    ['core: protocol', (name) => firstMarker(name) === 'rtcmc::' && coreNamespace(name) === 'protocol'],
    ['core: transfer', (name) => firstMarker(name) === 'rtcmc::' && coreNamespace(name) === 'transfer'],
    ['core: engine, room, session, common', (name) => firstMarker(name) === 'rtcmc::'],
    ['libc++', (name) => firstMarker(name) === 'std::' || name.startsWith('operator ') || name.startsWith('__cxa')],
    ['libc, compiler runtime', () => true],
];

// The namespace right after the first `rtcmc::` (protocol, transfer, ...), or '' for the
// engine, room and session classes that live in rtcmc:: itself.
function coreNamespace(name) {
    const rest = name.slice(name.indexOf('rtcmc::') + 'rtcmc::'.length);
    const match = rest.match(/^(\w+)::/);
    return match && /^[a-z]/.test(match[1]) ? match[1] : '';
}

function firstMarker(name) {
    let best = null;
    let at = Infinity;
    for (const marker of ['rtcmc::', 'std::', 'emscripten::']) {
        const index = name.indexOf(marker);
        if (index !== -1 && index < at) {
            at = index;
            best = marker;
        }
    }
    return best;
}

function readLeb(bytes, offset) {
    let value = 0;
    let shift = 0;
    let byte;
    do {
        byte = bytes[offset++];
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
    } while (byte & 0x80);
    return [value, offset];
}

// Sections with their sizes, the number of imported functions and every function body.
export function parseWasm(bytes) {
    const sections = [];
    const bodies = [];
    let importedFunctions = 0;
    let offset = 8; // magic + version
    while (offset < bytes.length) {
        const id = bytes[offset++];
        let size;
        [size, offset] = readLeb(bytes, offset);
        const start = offset;
        sections.push({ id, name: SECTION_NAMES[id] || `section ${id}`, size });
        if (id === 2) {
            let count;
            let at;
            [count, at] = readLeb(bytes, start);
            for (let i = 0; i < count; i++) {
                for (let part = 0; part < 2; part++) {
                    let length;
                    [length, at] = readLeb(bytes, at);
                    at += length;
                }
                const kind = bytes[at++];
                if (kind === 0) {
                    [, at] = readLeb(bytes, at);
                    importedFunctions++;
                } else if (kind === 1) {
                    at += 1;
                    const flags = bytes[at++];
                    [, at] = readLeb(bytes, at);
                    if (flags & 1) [, at] = readLeb(bytes, at);
                } else if (kind === 2) {
                    const flags = bytes[at++];
                    [, at] = readLeb(bytes, at);
                    if (flags & 1) [, at] = readLeb(bytes, at);
                } else {
                    at += 2; // global: type + mutability
                }
            }
        } else if (id === 10) {
            let count;
            let at;
            [count, at] = readLeb(bytes, start);
            for (let i = 0; i < count; i++) {
                let length;
                [length, at] = readLeb(bytes, at);
                bodies.push(bytes.subarray(at, at + length));
                at += length;
            }
        }
        offset = start + size;
    }
    return { sections, bodies, importedFunctions };
}

// emcc's symbol map: one "index:name" line per function, names with \XX escapes.
export function parseSymbolMap(text) {
    const names = new Map();
    for (const line of text.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(colon + 1).replace(/\\([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
        names.set(Number(line.slice(0, colon)), name);
    }
    return names;
}

// [{group, bytes, gzip, functions, largest: [{name, bytes}]}], biggest first, plus the
// non-code sections.
export function wasmOrigins(wasmBytes, symbolMapText) {
    const { sections, bodies, importedFunctions } = parseWasm(wasmBytes);
    const names = parseSymbolMap(symbolMapText);
    const groups = new Map(GROUPS.map(([group]) => [group, { group, parts: [], functions: [] }]));
    bodies.forEach((body, i) => {
        const name = names.get(importedFunctions + i) || `function ${importedFunctions + i}`;
        const [group] = GROUPS.find(([, matches]) => matches(name));
        groups.get(group).parts.push(body);
        groups.get(group).functions.push({ name, bytes: body.length });
    });
    const rows = [...groups.values()]
        .filter((entry) => entry.parts.length > 0)
        .map((entry) => ({
            group: entry.group,
            bytes: entry.parts.reduce((sum, part) => sum + part.length, 0),
            gzip: execFileSync('gzip', ['-9c'], { input: Buffer.concat(entry.parts) }).length,
            functions: entry.parts.length,
            largest: entry.functions.sort((a, b) => b.bytes - a.bytes).slice(0, 3),
        }))
        .sort((a, b) => b.bytes - a.bytes);
    const other = sections.filter((section) => section.id !== 10);
    return { rows, sections: other };
}
