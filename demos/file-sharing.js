// File sharing and text chat: the seed's "Write group file sharing application + text chat".
// connection.send(file) sends each file to every member; onFileStart / onFileProgress /
// onFileEnd draw one progress bar per file per person on both sides, and the receiver gets a
// download link. connection.send(text) and onmessage carry the chat.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('files-room');
    var chat = Demo.byId('chat');
    var chatForm = Demo.byId('chat-form');
    var chatInput = Demo.byId('chat-input');
    var dropzone = Demo.byId('dropzone');
    var fileInput = Demo.byId('file-input');
    var transfersBox = Demo.byId('transfers');
    var BUTTONS = ['open', 'join', 'leave'];
    var inRoom = false;
    var peers = {}; // userid -> name, for everyone with an open data channel
    var bars = {}; // transfer uuid -> {root, progress, meta, link}
    var urls = []; // blob: URLs handed out, revoked on leave

    var connection = new RTCMultiConnection();
    connection.session = 'only data';
    Demo.applyIceSetting(connection);

    function peerCount() {
        return Object.keys(peers).length;
    }

    function nameOf(userid, extra) {
        return peers[userid] || Demo.displayName(extra, userid);
    }

    function formatBytes(bytes) {
        if (bytes < 1024) return bytes + ' B';
        if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
        if (bytes < 1024 * 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
        return (bytes / 1024 / 1024 / 1024).toFixed(2) + ' GiB';
    }

    // ---- chat

    function chatLine(from, text, kind) {
        var line = Demo.el('li', { className: kind || '' }, from ? [Demo.el('span', { className: 'from', text: from + ':' }), Demo.el('span', { className: 'text', text: text })] : [text]);
        chat.appendChild(line);
        chat.scrollTop = chat.scrollHeight;
    }

    connection.onmessage = function (event) {
        if (typeof event.data !== 'string') return; // this page only sends text
        chatLine(nameOf(event.userid, event.extra), event.data, 'theirs');
    };

    chatForm.addEventListener('submit', function (event) {
        event.preventDefault();
        var text = chatInput.value.trim();
        if (!text || !inRoom) return;
        if (peerCount() === 0) {
            Demo.showError('Nobody else is in the room yet: your message would reach nobody.');
            return;
        }
        connection.send(text);
        chatLine(form.name(), text, 'mine');
        chatInput.value = '';
    });

    // ---- who is here

    connection.onopen = function (event) {
        peers[event.userid] = Demo.displayName(event.extra, event.userid);
        chatLine(null, peers[event.userid] + ' joined', 'system');
        updateControls();
    };

    connection.onclose = function (event) {
        if (!peers[event.userid]) return;
        chatLine(null, peers[event.userid] + ' left', 'system');
        delete peers[event.userid];
        updateControls();
    };

    connection.onleave = function (event) {
        if (!peers[event.userid]) return;
        chatLine(null, peers[event.userid] + ' left', 'system');
        delete peers[event.userid];
        updateControls();
    };

    function updateControls() {
        var ready = inRoom && peerCount() > 0;
        chatInput.disabled = !inRoom;
        Demo.byId('chat-send').disabled = !inRoom;
        fileInput.disabled = !ready;
        Demo.byId('pick-files').disabled = !ready;
        dropzone.classList.toggle('disabled', !ready);
        Demo.byId('drop-hint').textContent = !inRoom ? 'Join a room to share files.' : ready ? 'Each file goes to everyone in the room.' : 'Waiting for someone to send files to…';
        if (!inRoom) return;
        var names = Object.keys(peers).map(function (userid) {
            return peers[userid];
        });
        Demo.setStatus(
            names.length
                ? 'In room "' + form.room() + '" with ' + names.join(', ') + '.'
                : connection.isInitiator
                  ? 'Room "' + form.room() + '" is open. Waiting for others: share the link above.'
                  : 'Connecting to room "' + form.room() + '"…',
        );
    }

    // ---- files

    function sendFiles(files) {
        if (!inRoom || peerCount() === 0) {
            Demo.showError('Join a room with someone in it before sending files.');
            return;
        }
        Array.prototype.forEach.call(files, function (file) {
            Demo.log('sending ' + file.name + ' (' + formatBytes(file.size) + ')');
            connection.send(file);
        });
    }

    fileInput.addEventListener('change', function () {
        sendFiles(fileInput.files);
        fileInput.value = '';
    });
    Demo.byId('pick-files').addEventListener('click', function () {
        fileInput.click();
    });
    dropzone.addEventListener('dragover', function (event) {
        event.preventDefault();
        dropzone.classList.add('over');
    });
    dropzone.addEventListener('dragleave', function () {
        dropzone.classList.remove('over');
    });
    dropzone.addEventListener('drop', function (event) {
        event.preventDefault();
        dropzone.classList.remove('over');
        if (event.dataTransfer && event.dataTransfer.files.length) sendFiles(event.dataTransfer.files);
    });

    // One bar per transfer: a file sent to three people is three transfers (three bars).
    function barFor(file) {
        var bar = bars[file.uuid];
        if (bar) return bar;
        var peer = file.sending ? 'to ' + nameOf(file.remoteUserId) : 'from ' + nameOf(file.userid, file.extra);
        var progress = Demo.el('progress', { attrs: { max: '100', value: '0' } });
        var meta = Demo.el('div', { className: 'meta', text: '0 % of ' + formatBytes(file.size) });
        var root = Demo.el('div', { className: 'transfer ' + (file.sending ? 'outgoing' : 'incoming'), dataset: { uuid: file.uuid, direction: file.sending ? 'sent' : 'received' } }, [
            Demo.el('div', { className: 'head' }, [Demo.el('span', { className: 'name', text: file.name, title: file.name }), Demo.el('span', { className: 'peer meta', text: peer })]),
            progress,
            meta,
        ]);
        transfersBox.insertBefore(root, transfersBox.firstChild);
        bar = { root: root, progress: progress, meta: meta, size: file.size };
        bars[file.uuid] = bar;
        return bar;
    }

    function setPercent(bar, percent, text) {
        bar.progress.value = percent;
        bar.root.dataset.percent = String(percent);
        bar.meta.textContent = text;
    }

    connection.onFileStart = function (file) {
        barFor(file);
    };

    connection.onFileProgress = function (progress) {
        var bar = barFor(progress);
        var length = progress.length || progress.maxChunks || 0;
        var done = length ? length - progress.remaining : 0;
        var percent = length ? Math.floor((done / length) * 100) : 0;
        var bytes = typeof progress.bytes === 'number' ? progress.bytes : Math.round((done / (length || 1)) * progress.size);
        var text = percent + ' % · ' + formatBytes(bytes) + ' of ' + formatBytes(progress.size);
        // The sender's last chunk is out; onFileEnd says when the receiver has checked it all.
        if (percent === 100 && progress.sending) text += ', waiting for confirmation';
        setPercent(bar, percent, text);
    };

    connection.onFileEnd = function (file) {
        var bar = barFor(file);
        if (file.sending) {
            setPercent(bar, 100, '100 % · delivered, ' + formatBytes(file.size));
            return;
        }
        setPercent(bar, 100, '100 % · received, ' + formatBytes(file.size));
        var url = file.url;
        urls.push(url);
        var link = Demo.el('a', { className: 'download', text: 'Download ' + file.name, attrs: { href: url, download: file.name } });
        bar.root.appendChild(link);
        Demo.log('received ' + file.name + ' from ' + nameOf(file.userid, file.extra));
    };

    // ---- errors, entering and leaving

    Demo.watchErrors(connection, {
        onerror: function (error) {
            // A failed transfer names its file: mark its bar.
            var bar = error && error.uuid && bars[error.uuid];
            if (bar) {
                bar.root.classList.add('failed');
                bar.meta.textContent = 'failed: ' + (error.message || error.code);
            }
        },
        onrefused: function () {
            leaveRoom();
        },
    });

    connection.onEntireSessionClosed = function () {
        Demo.showError('The owner closed the room.');
        leaveRoom();
    };

    function enterRoom(opening) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        inRoom = true;
        peers = {};
        form.lock(true);
        Demo.showButtons(BUTTONS, ['leave']);
        updateControls();
        Demo.setStatus((opening ? 'Opening' : 'Looking for') + ' room "' + room + '"…');
        if (opening) connection.open(room);
        else connection.connect(room);
    }

    function leaveRoom() {
        if (inRoom) connection.leave();
        inRoom = false;
        peers = {};
        bars = {};
        urls.forEach(function (url) {
            URL.revokeObjectURL(url);
        });
        urls = [];
        Demo.clear(transfersBox);
        Demo.clear(chat);
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open', 'join']);
        updateControls();
        Demo.setStatus('Open a room, or join one that is open.');
    }

    Demo.byId('open').addEventListener('click', function () {
        enterRoom(true);
    });
    Demo.byId('join').addEventListener('click', function () {
        enterRoom(false);
    });
    Demo.byId('leave').addEventListener('click', function () {
        leaveRoom();
    });
    updateControls();
})();
