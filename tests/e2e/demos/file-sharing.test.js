// demos/file-sharing.html: three people in a data-only room. Alice picks two files and drops a
// third; each file reaches Bob and Carol with a progress bar per file per person that ends at
// 100 %, and a download link whose Blob has the file's size and bytes. Chat lines reach
// everyone, shown as typed.

import crypto from 'node:crypto';
import { expect, test } from '@jest/globals';
import { setupDemos, uniqueRoom } from './demo-fixture.js';

const demos = setupDemos();

function randomFile(name, size, mimeType = 'application/octet-stream') {
    return { name, mimeType, buffer: crypto.randomBytes(size) };
}

function sha256(buffer) {
    return crypto.createHash('sha256').update(buffer).digest('hex');
}

// The transfers a page shows: name, direction, peer, percent, and its link's target if any.
function transfersShown(person) {
    return person.page.locator('#transfers .transfer').evaluateAll((items) =>
        items.map((item) => ({
            name: item.querySelector('.name').textContent,
            direction: item.dataset.direction,
            peer: item.querySelector('.peer').textContent,
            percent: Number(item.dataset.percent || 0),
            progress: item.querySelector('progress').value,
            link: item.querySelector('a.download') ? item.querySelector('a.download').getAttribute('download') : null,
        })),
    );
}

test('three files to two people: a bar per file per person reaching 100 %, links with the same bytes; chat', async () => {
    const room = uniqueRoom('files');
    const alice = await demos.open('alice', 'file-sharing.html');
    await demos.enterRoom(alice, { room, name: 'Alice', button: 'Open room' });
    const bob = await demos.open('bob', 'file-sharing.html');
    await demos.enterRoom(bob, { room, name: 'Bob', button: 'Join room' });
    const carol = await demos.open('carol', 'file-sharing.html');
    await demos.enterRoom(carol, { room, name: 'Carol', button: 'Join room' });

    await demos.waitFor(alice, () => !document.getElementById('pick-files').disabled && /Bob, Carol|Carol, Bob/.test(document.getElementById('status').textContent), 'Bob and Carol to be connected');
    for (const person of [bob, carol]) {
        await demos.waitFor(person, () => document.getElementById('status').textContent.includes('Alice'), 'Alice to be connected');
    }

    // Chat: Bob writes a line with markup characters; everyone else sees it as typed.
    const line = 'hello <b>everyone</b> & welcome';
    await bob.page.locator('#chat-input').fill(line);
    await bob.page.locator('#chat-input').press('Enter');
    for (const person of [alice, carol]) {
        await demos.waitFor(person, (line) => [...document.querySelectorAll('#chat li.theirs')].some((li) => li.textContent === `Bob:${line}`), "Bob's chat line", line);
        expect(await person.page.locator('#chat b').count()).toBe(0);
    }
    await carol.page.locator('#chat-input').fill('hi Bob');
    await carol.page.getByRole('button', { name: 'Send' }).click();
    await demos.waitFor(bob, () => [...document.querySelectorAll('#chat li.theirs')].some((li) => li.textContent === 'Carol:hi Bob'), "Carol's chat line");

    // Every value each progress bar takes on the receivers' pages, as a person would see it move.
    for (const person of [bob, carol]) {
        await person.page.evaluate(() => {
            window.__barValues = {};
            new MutationObserver((records) => {
                for (const record of records) {
                    const item = record.target.closest && record.target.closest('.transfer');
                    if (!item || !item.dataset.percent) continue;
                    const name = item.querySelector('.name').textContent;
                    (window.__barValues[name] = window.__barValues[name] || []).push(Number(item.dataset.percent));
                }
            }).observe(document.getElementById('transfers'), { attributes: true, attributeFilter: ['data-percent'], subtree: true });
        });
    }

    // Files: two picked with the file chooser, one dropped on the drop zone.
    const files = [
        randomFile('notes <script>x</script>.txt', 200 * 1024, 'text/plain'),
        randomFile('photo.bin', 3 * 1024 * 1024),
        randomFile('dropped archive.zip', 1024 * 1024 + 123, 'application/zip'),
    ];
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'pick files' }).click();
    await (await chooser).setFiles(files.slice(0, 2));
    const dropped = files[2];
    const dataTransfer = await alice.page.evaluateHandle(
        ({ name, mimeType, base64 }) => {
            const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mimeType }));
            return transfer;
        },
        { name: dropped.name, mimeType: dropped.mimeType, base64: dropped.buffer.toString('base64') },
    );
    await alice.page.locator('#dropzone').dispatchEvent('dragover', { dataTransfer });
    await alice.page.locator('#dropzone').dispatchEvent('drop', { dataTransfer });

    // Receivers: one bar per file, from Alice, at 100 %, with a download link.
    for (const person of [bob, carol]) {
        await demos.waitFor(
            person,
            (count) => {
                const done = [...document.querySelectorAll('#transfers .transfer')].filter((item) => item.dataset.percent === '100' && item.querySelector('a.download'));
                return done.length === count;
            },
            'three files received',
            files.length,
        );
        const shown = await transfersShown(person);
        expect(shown.map((item) => item.name).sort()).toEqual(files.map((file) => file.name).sort());
        for (const item of shown) {
            expect(item).toMatchObject({ direction: 'received', peer: 'from Alice', percent: 100, progress: 100, link: item.name });
        }
        // Each link's Blob has the file's size and bytes.
        for (const file of files) {
            const blob = await person.page.evaluate(async (name) => {
                const link = [...document.querySelectorAll('#transfers a.download')].find((a) => a.getAttribute('download') === name);
                const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
                const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
                return { size: bytes.byteLength, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
            }, file.name);
            expect(blob).toEqual({ size: file.buffer.length, sha256: sha256(file.buffer) });
        }
        // The bars moved forward from onFileProgress: the 3 MiB one showed steps between 0 and 100 %.
        const values = await person.page.evaluate(() => window.__barValues);
        for (const file of files) {
            const steps = values[file.name];
            expect(steps.length).toBeGreaterThan(0);
            expect([...steps].sort((a, b) => a - b)).toEqual(steps);
            expect(steps[steps.length - 1]).toBe(100);
        }
        expect(values['photo.bin'].some((value) => value > 0 && value < 100)).toBe(true);
        // The file name is shown as text, never as markup.
        expect(await person.page.locator('#transfers script').count()).toBe(0);
        expect(await demos.errorsShown(person)).toBe('');
    }

    // Sender: one bar per file per recipient, each delivered.
    await demos.waitFor(alice, (count) => document.querySelectorAll('#transfers .transfer[data-percent="100"]').length === count, 'six deliveries confirmed', files.length * 2);
    const sent = await transfersShown(alice);
    expect(sent).toHaveLength(6);
    for (const file of files) {
        const bars = sent.filter((item) => item.name === file.name);
        expect(bars.map((item) => item.peer).sort()).toEqual(['to Bob', 'to Carol']);
        for (const item of bars) expect(item).toMatchObject({ direction: 'sent', percent: 100, link: null });
    }
    expect(await demos.errorsShown(alice)).toBe('');
    await demos.screenshot(bob, 'file-sharing', 'bob-received-files');
    await demos.screenshot(alice, 'file-sharing', 'alice-sent-files');
});
