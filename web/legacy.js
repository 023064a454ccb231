// Names of upstream's API whose browser feature is gone (the screen-capture Chrome extension,
// the HTTPS permission bar, script resources loaded from upstream's site). They stay usable so
// that a page written for upstream keeps running: each does the nearest modern thing, or
// nothing, and says so once per page in the console (docs/api.md, "Seed names").
const warned = new Set();

export function warnOnce(name, what) {
    if (warned.has(name)) return;
    warned.add(name);
    console.warn(`RTCMultiConnection: ${name} ${what}`);
}

// A property a page may set and read back, with no effect but the one-time warning.
export function inertProperty(target, name, initial, what) {
    let value = initial;
    Object.defineProperty(target, name, {
        enumerable: true,
        configurable: true,
        get: () => value,
        set: (next) => {
            warnOnce(name, what);
            value = next;
        },
    });
}

// The same, for names that must keep a live value of another property (v1.8's
// autoReDialOnFailure spelling of autoRedialOnFailure): no warning, same value.
export function aliasProperty(target, name, of) {
    Object.defineProperty(target, name, {
        enumerable: false,
        configurable: true,
        get: () => target[of],
        set: (next) => {
            target[of] = next;
        },
    });
}
