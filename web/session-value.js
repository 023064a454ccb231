// Reads connection.session / connection.direction in every form upstream allowed, through the
// core's parsers, into the engine's value types. Errors carry the core's code and message.
import { coreError } from './errors.js';

const FLAGS = ['audio', 'video', 'screen', 'data', 'oneway', 'broadcast'];

export function readSession(core, value) {
    if (value && typeof value === 'object') {
        const session = {};
        for (const flag of FLAGS) session[flag] = !!value[flag];
        // v3's {audio: 'two-way'} counts as audio.
        return checked(core.checkSessionObject(session));
    }
    return checked(core.parseSession(String(value)));
}

export function readDirection(core, value) {
    const parsed = core.parseDirection(String(value));
    if (!parsed.ok) throw coreError(parsed);
    return parsed.direction;
}

function checked(parsed) {
    if (!parsed.ok) throw coreError(parsed);
    return { session: parsed.session, canonical: parsed.canonical };
}

// A SessionType for join(sessionid, {audio:true} | {oneway:true}).
export function joinAsSession(value) {
    const session = {};
    for (const flag of FLAGS) session[flag] = !!value[flag];
    return session;
}
