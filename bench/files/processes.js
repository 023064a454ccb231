// Chromium's renderer processes, read from procfs: which one belongs to a page, its CPU time
// and its resident memory. Linux only; every reader answers null when procfs cannot tell.

import fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processes() {
    const list = [];
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            // Zygote-forked renderers rewrite their title: one string with spaces, not NULs.
            const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').split(/[\0 ]/);
            const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            list.push({ pid: Number(entry), ppid, cmdline });
        } catch {
            // the process ended while we looked
        }
    }
    return list;
}

// The profile folder of the Chromium this process launched: its renderers carry the same
// --user-data-dir, which tells them from those of other browsers on the machine.
export function launchedProfile() {
    const browser = processes().find((proc) => proc.ppid === process.pid && !proc.cmdline.some((arg) => arg.startsWith('--type=')) && proc.cmdline.some((arg) => arg.startsWith('--user-data-dir=')));
    return browser ? browser.cmdline.find((arg) => arg.startsWith('--user-data-dir=')) : null;
}

// PIDs of the browser this process launched and of its helpers (GPU, network service,
// storage, zygotes): every process under it that is not a renderer. Both pages share them: a
// file read (Blob) and the sockets of every data channel go through them.
export function browserSidePids() {
    const list = processes();
    const browser = list.find((proc) => proc.ppid === process.pid && !proc.cmdline.some((arg) => arg.startsWith('--type=')) && proc.cmdline.some((arg) => arg.startsWith('--user-data-dir=')));
    if (!browser) return [];
    const children = new Map();
    for (const proc of list) {
        if (!children.has(proc.ppid)) children.set(proc.ppid, []);
        children.get(proc.ppid).push(proc);
    }
    const pids = [];
    const walk = (proc) => {
        if (!proc.cmdline.includes('--type=renderer')) pids.push(proc.pid);
        for (const child of children.get(proc.pid) || []) walk(child);
    };
    walk(browser);
    return pids;
}

// User + system CPU time of several processes together, in milliseconds (null when one of
// them cannot be read: it ended).
export function totalCpuMs(pids) {
    let total = 0;
    for (const pid of pids) {
        const ms = cpuMs(pid);
        if (ms === null) return null;
        total += ms;
    }
    return pids.length ? total : null;
}

// PIDs of the renderer processes of that browser now.
export function rendererPids(profile) {
    return processes()
        .filter((proc) => proc.cmdline.includes('--type=renderer') && !proc.cmdline.includes('--top-chrome-webui') && (!profile || proc.cmdline.includes(profile)))
        .map((proc) => proc.pid);
}

// Runs `open()` (which creates one page) and returns the renderer PID that appeared for it, or
// null when not exactly one did.
export async function rendererOf(profile, open) {
    const before = new Set(rendererPids(profile));
    const result = await open();
    const added = rendererPids(profile).filter((pid) => !before.has(pid));
    return { result, pid: profile && added.length === 1 ? added[0] : null };
}

// User + system CPU time of a process, in milliseconds.
export function cpuMs(pid) {
    if (!pid) return null;
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // fields[11] = utime, fields[12] = stime (the 14th and 15th fields of stat(5))
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
        return null;
    }
}

// Resident set size of a process, in bytes.
export function rssBytes(pid) {
    if (!pid) return null;
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
        const match = /VmRSS:\s+(\d+) kB/.exec(status);
        return match ? Number(match[1]) * 1024 : null;
    } catch {
        return null;
    }
}

// Samples the RSS of `pid` every `intervalMs` until stop(); stop() returns the peak in bytes.
export function sampleRss(pid, intervalMs = 100) {
    let peak = rssBytes(pid) || 0;
    const timer = setInterval(() => {
        const rss = rssBytes(pid);
        if (rss !== null && rss > peak) peak = rss;
    }, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            const rss = rssBytes(pid);
            if (rss !== null && rss > peak) peak = rss;
            return pid ? peak : null;
        },
    };
}
