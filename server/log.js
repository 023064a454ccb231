// Structured logs: one JSON object per line, one line per event.
// Only the fields listed here are ever written, so a message body, an `extra` value or a
// password cannot reach the log by accident, whatever a caller passes.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

const LOGGED_FIELDS = [
    'event',
    'socket',
    'userid',
    'roomid',
    'outcome',
    'reason',
    'target',
    'owner',
    'channel',
    'count',
    'url',
    'node',
    'detail',
];

export function createLogger({ level = 'info', write = (line) => process.stdout.write(line) } = {}) {
    const threshold = LEVELS[level] ?? LEVELS.info;

    function log(levelName, fields) {
        if (LEVELS[levelName] < threshold) return;
        const entry = { time: new Date().toISOString(), level: levelName };
        for (const key of LOGGED_FIELDS) {
            const value = fields[key];
            if (value !== undefined && value !== null) {
                // Ids are bounded by validation; `detail` (error text) is cut to stay one short line.
                entry[key] = typeof value === 'string' ? value.slice(0, 200) : value;
            }
        }
        write(JSON.stringify(entry) + '\n');
    }

    return {
        enabled: (levelName) => LEVELS[levelName] >= threshold,
        debug: (fields) => log('debug', fields),
        info: (fields) => log('info', fields),
        warn: (fields) => log('warn', fields),
        error: (fields) => log('error', fields),
    };
}
