// Minifies one esbuild bundle with the Closure Compiler pinned in package.json, keeping a
// source map that points at the original files under web/ (and the Emscripten glue).
//
//   node scripts/closure-bundle.mjs <SIMPLE|ADVANCED> <input.js> <output.js> [--footer TEXT]
//
// <input.js> is an unminified esbuild IIFE with its .map next to it. The output's map is
// <output.js>.map, and the output ends with its sourceMappingURL comment.
//
// ADVANCED is made safe by keeping every property name: each identifier the bundle
// contains goes into generated externs, so no property is renamed (the public API, options
// objects, JSON from the server and from data channels, embind's names, the Emscripten
// glue's wasm import and export names all survive). What ADVANCED still adds over SIMPLE is
// whole-program work: unused code removal, inlining, collapsing of top-level names.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const closure = process.env.EM_CLOSURE_COMPILER || path.join(root, 'node_modules/.bin/google-closure-compiler');

const [mode, input, output, ...rest] = process.argv.slice(2);
if (!['SIMPLE', 'ADVANCED'].includes(mode) || !input || !output) {
    console.error('usage: closure-bundle.mjs <SIMPLE|ADVANCED> <input.js> <output.js> [--footer TEXT]');
    process.exit(2);
}
const footerAt = rest.indexOf('--footer');
const footer = footerAt >= 0 ? rest[footerAt + 1] : '';

const inputMap = `${input}.map`;
const outputMap = `${output}.map`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rtcmc-closure-'));
try {
    const args = [
        `--compilation_level=${mode === 'ADVANCED' ? 'ADVANCED_OPTIMIZATIONS' : 'SIMPLE_OPTIMIZATIONS'}`,
        '--language_in=ECMASCRIPT_2020',
        '--language_out=ECMASCRIPT_2020',
        // The bundle needs no polyfill: it targets browsers with WebRTC and wasm.
        '--rewrite_polyfills=false',
        '--inject_libraries=false',
        '--warning_level=QUIET',
        '--jscomp_off=*',
        `--js=${input}`,
        `--js_output_file=${output}`,
        `--create_source_map=${outputMap}`,
        `--source_map_input=${input}|${inputMap}`,
        '--source_map_format=V3',
    ];
    if (mode === 'ADVANCED') {
        const externs = path.join(scratch, 'keep-every-property.js');
        writeFileSync(externs, keepEveryPropertyExterns(readFileSync(input, 'utf8')));
        // Untyped code: type-based property disambiguation would be guesswork.
        args.push(`--externs=${externs}`, '--use_types_for_optimization=false');
    }
    execFileSync(closure, args, { stdio: ['ignore', 'inherit', 'inherit'] });

    const name = path.basename(output);
    writeFileSync(output, `${readFileSync(output, 'utf8').trimEnd()}\n${footer ? footer + '\n' : ''}//# sourceMappingURL=${name}.map\n`);
    writeFileSync(outputMap, JSON.stringify(originalSources(JSON.parse(readFileSync(outputMap, 'utf8')), inputMap, outputMap)));
} finally {
    rmSync(scratch, { recursive: true, force: true });
}

// Every identifier-like token of the bundle, declared as a property in externs: Closure never
// renames a property whose name appears in externs. Over-inclusive on purpose (local
// variable names cost nothing here); missing one would break the page.
function keepEveryPropertyExterns(source) {
    // The embedded wasm (a long base64 string) holds no names, only noise.
    const withoutData = source.replace(/"[A-Za-z0-9+/=]{1000,}"/g, '""');
    const names = new Set(withoutData.match(/[A-Za-z_$][\w$]*/g));
    const lines = ['/** @externs */', 'var RtcmcKeptProperties = {};'];
    for (const name of [...names].sort()) lines.push(`RtcmcKeptProperties.${name};`);
    return lines.join('\n') + '\n';
}

// Closure names the original sources relative to the working directory: make them relative
// to the output's map, and carry over their contents from esbuild's map so it stands alone.
function originalSources(map, fromMap, toMap) {
    const toDir = path.dirname(toMap);
    const input = JSON.parse(readFileSync(fromMap, 'utf8'));
    const fromDir = path.dirname(fromMap);
    const contentOf = new Map(input.sources.map((source, i) => [path.resolve(fromDir, source), input.sourcesContent?.[i]]));
    const absolute = map.sources.map((source) => path.resolve(source));
    return {
        ...map,
        file: path.basename(map.file || toMap.replace(/\.map$/, '')),
        sources: absolute.map((source) => path.relative(toDir, source)),
        // The staging bundle itself only stands for esbuild's helpers: no copy of it.
        sourcesContent: absolute.map((source) =>
            source === path.resolve(fromMap.replace(/\.map$/, '')) ? null : contentOf.get(source) ?? (existsSync(source) ? readFileSync(source, 'utf8') : null),
        ),
    };
}
