// docs/api.md's "Seed names" table has exactly one row per name the seed documents show
// (tests/seeds/seed-names.mjs reads them out of the texts), each saying works, changed or inert.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { seedNames } from '../../seeds/seed-names.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function seedTable() {
    const text = readFileSync(path.join(root, 'docs/api.md'), 'utf8');
    const start = text.indexOf('\n## Seed names');
    expect(start).toBeGreaterThan(0);
    const next = text.indexOf('\n## ', start + 1);
    const section = text.slice(start, next === -1 ? undefined : next);
    return section
        .split('\n')
        .filter((line) => /^\| `/.test(line))
        .map((line) => {
            const cells = line.split(' | ');
            return { name: cells[0].replace(/^\| `|`$/g, ''), seeds: cells[1], status: cells[2] };
        });
}

test('the seed documents show the names this table was written for', () => {
    const names = seedNames();
    // Both documents contribute: a broken reader would pass the table test below with few rows.
    expect(names.filter((entry) => entry.versions.includes('v1.2')).length).toBeGreaterThan(50);
    expect(names.filter((entry) => entry.versions.includes('v1.8')).length).toBeGreaterThan(30);
    expect(names.map((entry) => entry.name)).toEqual(expect.arrayContaining(['connection.sdpConstraints.mandatory.OfferToReceiveAudio', 'RTCDirection.OneWay', 'stream.session.isAudio', 'connection.open({captureUserMediaOnDemand})']));
});

test('docs/api.md has one row per seed name, with its seeds and one of works, changed, inert', () => {
    const rows = seedTable();
    const names = seedNames();
    expect(rows.map((row) => row.name)).toEqual(names.map((entry) => entry.name));
    for (const [index, row] of rows.entries()) {
        expect({ name: row.name, seeds: row.seeds }).toEqual({ name: row.name, seeds: names[index].versions.join(' ') });
        expect(['works', 'changed', 'inert']).toContain(row.status);
    }
});
