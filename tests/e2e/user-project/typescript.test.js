// TypeScript users: the seed snippets written as .ts compile under `tsc --strict` against the
// package's types, and a misspelled event name is an error (the types are not `any`).
import { expect, test } from '@jest/globals';
import { runIn, userProject } from './support.js';

const project = userProject();
// One file at a time, with the options a strict project uses.
function compile(file) {
    return runIn(project, 'node', ['node_modules/typescript/bin/tsc', '--strict', '--noEmit', '--target', 'es2020', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2020,dom', file]);
}

test('the seed snippets type-check under --strict', () => {
    const { status, output } = compile('seed-snippets.ts');
    expect(output).toBe('');
    expect(status).toBe(0);
});

test('a typed page using the default export and type imports type-checks', () => {
    expect(compile('typed-example.ts')).toEqual({ status: 0, output: '' });
});

test('a misspelled event name does not', () => {
    const { status, output } = compile('misspelled-event.ts');
    expect(status).not.toBe(0);
    expect(output).toMatch(/misspelled-event\.ts\(5,\d+\): error TS\d+: Property 'onstrem' does not exist/);
    expect(output).toMatch(/Did you mean 'onstream'\?/);
});
