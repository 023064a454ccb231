// Static hosting for the demos and the built library, with node:http only.
// Roots are a table of [URL prefix, folder] (config.js DEFAULT_STATIC_ROOTS); the longest
// matching prefix wins. Folders that do not exist yet (demos/, dist/ before a build) give
// 404s, not a crash.

import fs from 'node:fs';
import path from 'node:path';

export const MIME_TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.wasm': 'application/wasm', // required for WebAssembly.instantiateStreaming
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.gif': 'image/gif',
    '.svg': 'image/svg+xml',
    '.ico': 'image/x-icon',
    '.txt': 'text/plain; charset=utf-8',
    '.md': 'text/markdown; charset=utf-8',
    '.webm': 'video/webm',
    '.mp4': 'video/mp4',
    '.mp3': 'audio/mpeg',
    '.wav': 'audio/wav',
};

function send(res, status, body, headers = {}) {
    res.writeHead(status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Content-Type-Options': 'nosniff',
        ...headers,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
}

// roots: [[prefix, folder], ...]; folder relative to projectRoot or absolute.
export function createStaticHandler({ roots, projectRoot }) {
    const table = roots
        .map(([prefix, folder]) => ({ prefix, dir: path.resolve(projectRoot, folder) }))
        .sort((a, b) => b.prefix.length - a.prefix.length);

    // Maps a URL path to a file inside one root, or null. Traversal is refused twice: the
    // decoded path may not contain "..", NUL or backslashes, and the resolved real path
    // (after symlinks) must still lie inside the root's real path.
    async function resolveFile(urlPath) {
        const root = table.find((entry) => urlPath.startsWith(entry.prefix));
        if (!root) return null;
        let relative;
        try {
            relative = decodeURIComponent(urlPath.slice(root.prefix.length));
        } catch {
            return null;
        }
        if (relative.includes('\0') || relative.includes('\\')) return null;
        if (relative.split('/').some((segment) => segment === '..')) return null;
        let realRoot;
        try {
            realRoot = await fs.promises.realpath(root.dir);
        } catch {
            return null; // the folder does not exist (yet)
        }
        let candidate = path.join(realRoot, relative);
        try {
            let stats = await fs.promises.stat(candidate);
            if (stats.isDirectory()) {
                candidate = path.join(candidate, 'index.html');
                stats = await fs.promises.stat(candidate);
            }
            if (!stats.isFile()) return null;
            const real = await fs.promises.realpath(candidate);
            if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
            return { file: real, size: stats.size, mtime: stats.mtime };
        } catch {
            return null;
        }
    }

    // Returns true when it answered the request.
    return async function serveStatic(req, res, urlPath) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
            return;
        }
        const found = await resolveFile(urlPath);
        if (!found) {
            send(res, 404, 'not found\n');
            return;
        }
        const type = MIME_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
        res.writeHead(200, {
            'Content-Type': type,
            'Content-Length': found.size,
            'Last-Modified': found.mtime.toUTCString(),
            // Development server: always revalidate, so a rebuild is picked up on reload.
            'Cache-Control': 'no-cache',
            'X-Content-Type-Options': 'nosniff',
        });
        if (req.method === 'HEAD') {
            res.end();
            return;
        }
        const stream = fs.createReadStream(found.file);
        stream.on('error', () => res.destroy());
        stream.pipe(res);
    };
}

export { send as sendText };
