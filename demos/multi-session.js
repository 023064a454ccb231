// Multi-session: the seed's "Advance usage: open multi-sessions and multi-connections". The
// host's first connection captures the camera; in its local onstream, the same MediaStream (or
// its audio tracks only) is attached to new connections that open more sessions. Guests join
// any one of them with a connection configured like it.
(function () {
    'use strict';

    // The sessions a host opens, in order: the first one captures, the others reuse its stream.
    var KINDS = {
        conference: {
            title: 'Video conference',
            suffix: '',
            session: 'audio + video',
            direction: 'many-to-many',
            streamFrom: function (stream) {
                return stream;
            },
        },
        audio: {
            title: 'Audio-only conference',
            suffix: '-audio',
            session: 'only-audio',
            direction: 'many-to-many',
            // -------- getting only-audio stream! (the seed's words)
            streamFrom: function (stream) {
                return new MediaStream(stream.getAudioTracks());
            },
        },
        broadcast: {
            title: 'Video broadcast (one-way)',
            suffix: '-broadcast',
            session: 'audio + video',
            direction: 'one-way',
            streamFrom: function (stream) {
                return stream;
            },
        },
    };

    var form = Demo.setupRoomForm('multi-room');
    var media = Demo.byId('media');
    var sessionsCard = Demo.byId('sessions-card');
    var sessionList = Demo.byId('sessions');
    var joinButtons = Demo.byId('join-buttons');
    var BUTTONS = ['open', 'leave'];
    // kind -> {connection, sessionid, members: {userid: name}} for each session this page is in
    var active = {};
    var role = null; // 'host' | 'guest'

    function sessionIdOf(kind) {
        return form.room() + KINDS[kind].suffix;
    }

    // A connection for one session, with the handlers every session of this page shares.
    function createConnection(kind) {
        var definition = KINDS[kind];
        var connection = new RTCMultiConnection();
        connection.session = definition.session;
        connection.direction = definition.direction;
        connection.extra = { name: form.name() };
        Demo.applyIceSetting(connection);
        var entry = { connection: connection, sessionid: sessionIdOf(kind), members: {} };
        active[kind] = entry;

        connection.onstream = function (event) {
            if (event.type === 'local') {
                // The host's camera is shown once, by the session that captured it; that
                // session's local stream is what the others reuse.
                var attached = role === 'host' && kind !== 'conference';
                if (!attached) addTile(event, form.name(), kind);
                if (role === 'host' && kind === 'conference') openSharedSessions(event.stream);
                return;
            }
            addTile(event, Demo.displayName(event.extra, event.userid) + ' · ' + definition.title, kind);
            entry.members[event.userid] = Demo.displayName(event.extra, event.userid);
            renderSessions();
        };
        connection.onUserStatusChanged = function (event) {
            if (event.userid === connection.userid) return;
            if (event.status === 'online') entry.members[event.userid] = Demo.displayName(event.extra, event.userid);
            else delete entry.members[event.userid];
            renderSessions();
        };
        connection.onstreamended = function (event) {
            Demo.removeTiles(media, 'streamid', event.streamid);
            Demo.updateEmpty(media);
        };
        connection.onleave = function (event) {
            delete entry.members[event.userid];
            Array.prototype.slice.call(media.querySelectorAll('.tile[data-kind="' + kind + '"]')).forEach(function (tile) {
                if (tile.dataset.userid === String(event.userid)) tile.remove();
            });
            Demo.updateEmpty(media);
            renderSessions();
        };
        connection.onEntireSessionClosed = function () {
            Demo.showError(definition.title + ' was closed by its host.');
            leaveAll();
        };
        Demo.watchErrors(connection, {
            onrefused: function () {
                leaveAll();
            },
            onmediaerror: function () {
                leaveAll();
            },
        });
        return connection;
    }

    function addTile(event, caption, kind) {
        var tile = Demo.mediaTile(event, caption);
        tile.dataset.kind = kind;
        if (event.mediaElement.tagName === 'AUDIO') {
            tile.classList.add('audio-only');
            tile.insertBefore(Demo.el('div', { className: 'avatar', text: caption.charAt(0).toUpperCase() }), tile.firstChild);
        }
        media.appendChild(tile);
        Demo.updateEmpty(media);
        updateStatus();
    }

    // The seed's open_*_session(stream) functions: one new connection per session, each with
    // the captured stream (or part of it) as its attachStream.
    function openSharedSessions(stream) {
        ['audio', 'broadcast'].forEach(function (kind) {
            var connection = createConnection(kind);
            connection.attachStream = KINDS[kind].streamFrom(stream);
            connection.open(sessionIdOf(kind));
            Demo.log('opened ' + KINDS[kind].title + ' "' + sessionIdOf(kind) + '" with the same camera stream');
        });
        renderSessions();
    }

    function renderSessions() {
        Demo.clear(sessionList);
        Object.keys(KINDS).forEach(function (kind) {
            var entry = active[kind];
            if (!entry || role !== 'host') return;
            var names = Object.keys(entry.members).map(function (userid) {
                return entry.members[userid];
            });
            sessionList.appendChild(
                Demo.el('li', { dataset: { kind: kind } }, [
                    Demo.el('div', { className: 'who' }, [
                        Demo.el('strong', { text: KINDS[kind].title }),
                        Demo.el('div', { className: 'meta', text: '"' + entry.sessionid + '"' }),
                        Demo.el('div', { className: 'meta members', text: names.length ? names.join(', ') : 'nobody yet' }),
                    ]),
                    Demo.el('span', { className: 'badge count', text: String(names.length) }),
                ]),
            );
        });
        updateStatus();
    }

    function updateStatus() {
        if (role === 'host') {
            var count = Object.keys(active).length;
            Demo.setStatus('Hosting ' + count + (count === 1 ? ' session' : ' sessions') + ' from one camera capture.');
        } else if (role === 'guest') {
            var kind = Object.keys(active)[0];
            var remote = media.querySelectorAll('.tile.remote').length;
            Demo.setStatus((remote ? 'In the ' : 'Joining the ') + KINDS[kind].title.toLowerCase() + ' "' + sessionIdOf(kind) + '"' + (remote ? '.' : '…'));
        }
    }

    function start(asHost, kind) {
        if (!form.requireRoom()) return;
        Demo.clearErrors();
        role = asHost ? 'host' : 'guest';
        form.lock(true);
        joinButtons.hidden = true;
        Demo.showButtons(BUTTONS, ['leave']);
        sessionsCard.hidden = !asHost;
        if (asHost) {
            Demo.setStatus('Starting the camera…');
            createConnection('conference').open(sessionIdOf('conference'));
            renderSessions();
        } else {
            createConnection(kind).connect(sessionIdOf(kind));
            updateStatus();
        }
    }

    function leaveAll() {
        // The attached sessions first: leave() never stops a stream it was given, and the
        // conference, which captured it, stops it when it leaves last.
        ['broadcast', 'audio', 'conference'].forEach(function (kind) {
            if (active[kind]) active[kind].connection.leave();
        });
        active = {};
        role = null;
        Demo.clear(media);
        Demo.updateEmpty(media);
        Demo.clear(sessionList);
        sessionsCard.hidden = true;
        joinButtons.hidden = false;
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open']);
        Demo.setStatus('Host the sessions, or join one as a guest.');
    }

    Demo.byId('open').addEventListener('click', function () {
        start(true);
    });
    Array.prototype.forEach.call(joinButtons.querySelectorAll('button[data-join]'), function (button) {
        button.addEventListener('click', function () {
            start(false, button.dataset.join);
        });
    });
    Demo.byId('leave').addEventListener('click', function () {
        leaveAll();
    });
})();
