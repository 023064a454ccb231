// Makes "a user's own project", as a user would, before the browser suites enter their
// private network namespace (scripts/e2e.sh runs this outside it, where the npm registry is
// reachable): `npm pack` of this repository, a new folder outside the repository with a fresh
// package.json that depends on the tarball and on the tools users pick (esbuild, Vite,
// TypeScript), the app sources of app/, then `npm install` with whatever npm cache the caller
// has (an empty one in .ci/run). Prints the folder on stdout; the tests in this directory
// read it from RTCMC_USER_PROJECT.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repository = path.resolve(here, '../../..');

// The versions a user would pin today (esbuild and TypeScript as this repository uses them).
export const USER_TOOLS = { esbuild: '0.28.2', vite: '8.4.0', typescript: '5.9.3' };

function run(command, args, cwd) {
    // stdout is this script's answer: everything the tools print goes to stderr.
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'rtcmc-user-project-'));
try {
    // npm pack runs prepack (scripts/build-if-needed.sh): dist/ is built when stale.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], repository));
    const tarball = packed[0].filename;
    fs.writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify(
            {
                name: 'user-app',
                version: '1.0.0',
                private: true,
                type: 'module',
                dependencies: { 'rtcmulticonnection-wasm': `file:./${tarball}` },
                devDependencies: USER_TOOLS,
            },
            null,
            2,
        ),
    );
    fs.cpSync(path.join(here, 'app'), project, { recursive: true });
    process.stderr.write(`user project: npm install in ${project}\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, stdio: ['ignore', 2, 'inherit'] });
    process.stdout.write(project + '\n');
} catch (error) {
    fs.rmSync(project, { recursive: true, force: true });
    process.stderr.write(`user project: ${error.message}\n`);
    process.exit(1);
}
