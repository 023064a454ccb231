// Every API name the two seed documents show (tests/seeds/*.md: upstream's v1.2/v1.3
// documentation and v1.8 notes, copied here unchanged), read from their text: on the
// connection, on the objects handed to callbacks, and as globals. docs/api.md's "Seed names"
// table must have one row per name (tests/js/web/seed-names.test.js) and every connection name
// must resolve on a fresh connection in a real browser (tests/e2e/seed-surface.test.js).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SEEDS = {
    'v1.2': path.join(here, 'v1.2-documentation.md'),
    'v1.8': path.join(here, 'v1.8-notes.md'),
};

// The variable a seed snippet uses, and what it stands for here. Names on the page's own
// objects (io, socket, mainVideo, document...) are not ours and are not collected.
export const ROOTS = {
    connection: 'connection',
    new_connection: 'connection',
    this: 'connection', // inside openSignalingChannel
    RTCDirection: 'RTCDirection',
    RTCSession: 'RTCSession',
    stream: 'stream', // the onstream event
    session: 'session', // the onNewSession event
    packets: 'packets', // onFileProgress's argument
    file: 'file', // onFileSent's argument
    error: 'error', // onMediaError's argument
    device: 'device', // an entry of DetectRTC.MediaDevices
    blob: 'blob', // what stopRecording's callback gets
    config: 'config', // openSignalingChannel's argument
};

// Past these, a name is the page's own data (extra.username), not the library's.
const USER_DATA = new Set(['extra']);

// The documents' text as code would read it: HTML tags dropped, entities decoded.
function plainText(file) {
    return readFileSync(file, 'utf8')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}

// The keys of the object literal whose body starts at `start` (just after its '{'), at its own
// level only: open({extra: {a: 1}, interval: 3000}) has extra and interval.
function topLevelKeys(text, start) {
    const keys = [];
    let depth = 1;
    let atKey = true;
    for (let i = start; i < text.length && depth > 0; i++) {
        const c = text[i];
        if (c === '{' || c === '[' || c === '(') depth++;
        else if (c === '}' || c === ']' || c === ')') depth--;
        else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) >>> 0; // a comment (to the end)
        else if (depth === 1 && c === ',') atKey = true;
        else if (depth === 1 && atKey && /[A-Za-z_$]/.test(c)) {
            const key = text.slice(i).match(/^([A-Za-z_$][\w$]*)\s*:/);
            if (key) keys.push(key[1]);
            atKey = false;
        }
    }
    return keys;
}

// ['connection.sdpConstraints.mandatory', 'stream.session.isAudio', ...]: distinct, sorted,
// each with the seeds it appears in.
export function seedNames() {
    const found = new Map();
    const reference = /\b([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[[^\]\n]*\])+)/g;
    for (const [version, file] of Object.entries(SEEDS)) {
        for (const match of plainText(file).matchAll(reference)) {
            const root = match[1];
            if (!(root in ROOTS)) continue;
            const parts = [ROOTS[root]];
            // Member names up to the first index ([...]), call or user data.
            for (const step of match[2].matchAll(/\.([A-Za-z_$][\w$]*)|\[[^\]\n]*\]/g)) {
                if (!step[1]) {
                    parts.push('[]');
                    continue;
                }
                parts.push(step[1]);
                if (USER_DATA.has(step[1])) break;
            }
            // A name ends at a bracket whose element the page chose ('stream-id', 0): the member
            // after it is the element's (streams['id'].mute -> streams[].mute).
            const name = parts.join('.').replace(/\.\[\]/g, '[]');
            if (!found.has(name)) found.set(name, new Set());
            found.get(name).add(version);
        }
        // The options of open({...}) and the fields of sdpConstraints.mandatory = {...}.
        const text = plainText(file);
        for (const match of text.matchAll(/\b(open|sdpConstraints\.mandatory\s*=)\s*\(?\s*\{/g)) {
            for (const key of topLevelKeys(text, match.index + match[0].length)) {
                const name = match[1] === 'open' ? `connection.open({${key}})` : `connection.sdpConstraints.mandatory.${key}`;
                if (!found.has(name)) found.set(name, new Set());
                found.get(name).add(version);
            }
        }
    }
    return [...found]
        .map(([name, versions]) => ({ name, versions: [...versions].sort() }))
        .sort((a, b) => a.name.localeCompare(b.name));
}

// The path to look up on a fresh connection for a connection name: its members up to the first
// element index ('connection.streams[].startRecording' -> ['streams']).
export function connectionPath(name) {
    const members = name.split('.').slice(1);
    const cut = members.findIndex((member) => member.endsWith('[]'));
    if (cut === -1) return members;
    return [...members.slice(0, cut), members[cut].slice(0, -2)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
    for (const { name, versions } of seedNames()) console.log(`${name.padEnd(60)} ${versions.join(' ')}`);
}
