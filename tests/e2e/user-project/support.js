// Shared by the user-project suites: the folder prepared by prepare.mjs (outside the
// repository, with the packed tarball installed by npm) and ways to run the user's tools in it.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PACKAGE = 'rtcmulticonnection-wasm';

// The project folder; scripts/e2e.sh makes it before entering the network namespace.
export function userProject() {
    const folder = process.env.RTCMC_USER_PROJECT;
    if (!folder || !fs.existsSync(path.join(folder, 'node_modules', PACKAGE, 'package.json'))) {
        throw new Error(
            'RTCMC_USER_PROJECT does not name a prepared user project: run these tests through ' +
                '`npm run test:e2e` (scripts/e2e.sh prepares it with tests/e2e/user-project/prepare.mjs)',
        );
    }
    return folder;
}

// Runs a command in the project; resolves {status, output} (stdout + stderr), never throws.
export function runIn(project, command, args, options = {}) {
    try {
        const output = execFileSync(command, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
        return { status: 0, output };
    } catch (error) {
        return { status: error.status ?? 1, output: String(error.stdout ?? '') + String(error.stderr ?? '') };
    }
}

// Starts a long-running command; resolves with the child and the first stdout line that
// matches `ready` (a RegExp), or rejects with everything it printed if it exits or times out.
export function startUntil(project, command, args, ready, { env = {}, timeoutMs = 30000 } = {}) {
    return new Promise((resolve, reject) => {
        // Its own process group, as a command started in a terminal: stop() signals the whole
        // group, as Ctrl-C does, so that a wrapper (npx) and what it runs stop together.
        const child = spawn(command, args, { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let output = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${command} ${args.join(' ')} printed nothing matching ${ready} in ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const onData = (chunk) => {
            output += chunk;
            const match = output.match(ready);
            if (match) {
                clearTimeout(timer);
                child.stdout.off('data', onData);
                resolve({ child, match });
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
        });
    });
}

// Signals the process group of a child started by startUntil; resolves its exit code (or the
// signal that ended it).
export function stop(child, signal = 'SIGTERM') {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
            resolve(child.exitCode ?? child.signalCode);
            return;
        }
        child.removeAllListeners('exit');
        child.on('exit', (code, killedBy) => resolve(code ?? killedBy));
        try {
            process.kill(-child.pid, signal);
        } catch {
            child.kill(signal);
        }
    });
}
