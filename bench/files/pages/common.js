// Helpers shared by the benchmark pages (bench/files/run.js drives them; nothing here times
// anything by itself). Served by our server at /bench/common.js and by the upstream server at
// /common.js.
(function () {
    // Pseudo-random bytes from a seed (xorshift32): the same payload for every case of a round.
    window.seededBytes = function (size, seed) {
        var bytes = new Uint8Array(size);
        var words = new Uint32Array(bytes.buffer, 0, Math.floor(size / 4));
        var state = seed >>> 0 || 1;
        for (var i = 0; i < words.length; i++) {
            state ^= state << 13;
            state >>>= 0;
            state ^= state >>> 17;
            state ^= state << 5;
            state >>>= 0;
            words[i] = state;
        }
        return bytes;
    };

    // The payload of a round, made before any timing starts.
    window.makeFile = function (size, seed) {
        window.payloadFile = new File([seededBytes(size, seed)], 'bench-' + size + '.bin', { type: 'application/octet-stream' });
        return window.payloadFile.size;
    };

    // 1 MiB of printable ASCII (one byte per character, as in ../shared/reference/perf-anchors.md).
    window.makeText = function (length, seed) {
        var bytes = seededBytes(length, seed);
        for (var i = 0; i < length; i++) bytes[i] = 32 + (bytes[i] % 95);
        window.payloadText = new TextDecoder().decode(bytes);
        return window.payloadText.length;
    };

    window.sha256 = async function (value) {
        var buffer = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Blob ? await value.arrayBuffer() : value;
        var digest = await crypto.subtle.digest('SHA-256', buffer);
        return Array.from(new Uint8Array(digest), function (b) {
            return b.toString(16).padStart(2, '0');
        }).join('');
    };

    // Under run.js --net: ?ice=<JSON> the iceServers every page of the condition uses (the
    // impaired relay in front of coturn), relay candidates only. null on loopback.
    var iceParam = new URLSearchParams(location.search).get('ice');
    window.benchIceServers = iceParam ? JSON.parse(iceParam) : null;

    // Every RTCPeerConnection the page makes (ours, upstream or raw), so that selectedPath()
    // can read the one that carried the file without reaching into a library.
    var NativePeerConnection = window.RTCPeerConnection;
    window.benchPeerConnections = [];
    window.RTCPeerConnection = function () {
        setupMark('peer connection asked');
        var pc = new (Function.prototype.bind.apply(NativePeerConnection, [null].concat(Array.prototype.slice.call(arguments))))();
        window.benchPeerConnections.push(pc);
        watchSetup(pc);
        return pc;
    };

    // The steps of the joiner's setup, each once, as times from join() (setupMark('join')):
    // where the time between join() and onopen goes, the same way for every library. The
    // first connection's first of each: the signaling before it, the description exchange,
    // ICE, the channel.
    window.setupSteps = {};
    window.setupMark = function (name) {
        if (name === 'join') window.setupSteps = {};
        if (!(name in window.setupSteps)) window.setupSteps[name] = now();
    };
    var nativeSetLocal = NativePeerConnection.prototype.setLocalDescription;
    var nativeSetRemote = NativePeerConnection.prototype.setRemoteDescription;
    NativePeerConnection.prototype.setLocalDescription = function (description) {
        setupMark('local ' + ((description && description.type) || 'description'));
        return nativeSetLocal.apply(this, arguments);
    };
    NativePeerConnection.prototype.setRemoteDescription = function (description) {
        setupMark('remote ' + ((description && description.type) || 'description'));
        return nativeSetRemote.apply(this, arguments);
    };
    function watchSetup(pc) {
        setupMark('peer connection');
        pc.addEventListener('icecandidate', function (event) {
            if (event.candidate) setupMark('first local candidate');
        });
        pc.addEventListener('iceconnectionstatechange', function () {
            if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') setupMark('ice connected');
        });
        pc.addEventListener('connectionstatechange', function () {
            if (pc.connectionState === 'connected') setupMark('dtls connected');
        });
        var watchChannel = function (channel) {
            if (channel.readyState === 'open') setupMark('channel open');
            else channel.addEventListener('open', function () { setupMark('channel open'); });
        };
        pc.addEventListener('datachannel', function (event) { watchChannel(event.channel); });
        var nativeCreate = pc.createDataChannel;
        pc.createDataChannel = function () {
            var channel = nativeCreate.apply(pc, arguments);
            watchChannel(channel);
            return channel;
        };
    }
    // The signaling on the setup path, the same way for every library: the first WebSocket
    // frame of each kind each way ('signal out: join-room', 'signal in: relay offer'), read as
    // socket.io frames (42["event", payload] and acks 43<id>[...]); other frames are 'other'.
    var NativeWebSocket = window.WebSocket;
    function frameName(data) {
        if (typeof data !== 'string') return 'binary';
        var match = /^4([23])\d*(\[.*)$/.exec(data);
        if (!match) return 'other';
        if (match[1] === '3') return 'ack';
        try {
            var frame = JSON.parse(match[2]);
            var payload = frame[1];
            var inner = payload && typeof payload.data === 'string' ? /"type":"([a-z-]+)"/.exec(payload.data) : null;
            return String(frame[0]) + (inner ? ' ' + inner[1] : '');
        } catch (error) {
            return 'other';
        }
    }
    window.WebSocket = function (url, protocols) {
        var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
        setupMark('signal socket');
        var nativeSend = socket.send;
        socket.send = function (data) {
            setupMark('signal out: ' + frameName(data));
            return nativeSend.apply(socket, arguments);
        };
        socket.addEventListener('open', function () { setupMark('signal socket open'); });
        socket.addEventListener('message', function (event) { setupMark('signal in: ' + frameName(event.data)); });
        return socket;
    };
    window.WebSocket.prototype = NativeWebSocket.prototype;
    Object.setPrototypeOf(window.WebSocket, NativeWebSocket);
    ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (name) { window.WebSocket[name] = NativeWebSocket[name]; });

    window.RTCPeerConnection.prototype = NativePeerConnection.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, NativePeerConnection);

    // The selected candidate pair of the page's connected peer connection: both candidate
    // types and the round trip its STUN checks measured (currentRoundTripTime), in ms.
    window.selectedPath = async function () {
        for (var i = window.benchPeerConnections.length - 1; i >= 0; i--) {
            var pc = window.benchPeerConnections[i];
            if (pc.connectionState !== 'connected') continue;
            var report = await pc.getStats();
            var pair = null;
            report.forEach(function (stat) {
                if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && (!pair || stat.bytesSent > pair.bytesSent)) pair = stat;
            });
            if (!pair) continue;
            var local = report.get(pair.localCandidateId);
            var remote = report.get(pair.remoteCandidateId);
            return {
                local: local && local.candidateType,
                remote: remote && remote.candidateType,
                rttMs: typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null,
            };
        }
        return null;
    };

    window.now = function () {
        return performance.timeOrigin + performance.now();
    };

    // Peak of the JS heap (Chromium's performance.memory, precise with
    // --enable-precise-memory-info), sampled every 100 ms between start and stop.
    var sampler = null;
    window.heapPeak = 0;
    window.startHeapSampling = function () {
        window.heapPeak = performance.memory ? performance.memory.usedJSHeapSize : 0;
        clearInterval(sampler);
        sampler = setInterval(function () {
            if (performance.memory) window.heapPeak = Math.max(window.heapPeak, performance.memory.usedJSHeapSize);
        }, 100);
    };
    window.stopHeapSampling = function () {
        clearInterval(sampler);
        if (performance.memory) window.heapPeak = Math.max(window.heapPeak, performance.memory.usedJSHeapSize);
        return window.heapPeak;
    };

    // Receiver progress marks: the time each further 8 MiB arrived (the first 8 MiB of a fresh
    // connection are the slow part, ../shared/reference/perf-anchors.md).
    var MARK_BYTES = 8 * 1024 * 1024;
    window.marks = [];
    window.markProgress = function (bytes) {
        while (bytes >= (window.marks.length + 1) * MARK_BYTES) window.marks.push(now());
    };

    // One settled value the driver awaits: window.finish(value) or window.fail(error).
    window.resetResult = function () {
        window.marks = [];
        window.result = new Promise(function (resolve, reject) {
            window.finish = resolve;
            window.fail = function (error) {
                reject(new Error(String(error && (error.message || error))));
            };
        });
        window.result.catch(function () {});
    };
    window.resetResult();
})();
