// Manual session establishment: the seed's "Manual session establishment" section. The page's
// connection is constructed with a channel (the lobby), so it lists every room opened there
// through onNewSession, each with its owner's extra data; the person chooses which to join and
// how: join(session) sends the camera, join(sessionid, {oneway: true}) only receives.
(function () {
    'use strict';

    // Every copy of this page lists the rooms of this channel.
    var LOBBY = 'manual-sessions-lobby';
    // How often listed rooms are checked for being still open: onNewSession says when a room
    // appears, checkPresence() whether it is still there.
    var PRESENCE_CHECK_MS = 3000;

    var form = Demo.setupRoomForm('my-room');
    var topicInput = Demo.byId('topic');
    var videos = Demo.byId('videos');
    var roomList = Demo.byId('rooms');
    var peopleList = Demo.byId('people');
    var BUTTONS = ['open', 'leave'];
    var current = null; // {sessionid, owner: bool, withCamera: bool} while in a room
    var sessions = {}; // sessionid -> the session object from onNewSession
    var people = {}; // userid -> name, members of the current room

    var connection = new RTCMultiConnection(LOBBY);
    connection.session = 'audio + video';
    Demo.applyIceSetting(connection);

    // ---- the live list of rooms

    connection.onNewSession = function (session) {
        if (!sessions[session.sessionid]) Demo.log('room "' + session.sessionid + '" is open');
        sessions[session.sessionid] = session;
        renderRooms();
    };

    function renderRooms() {
        Demo.clear(roomList);
        Object.keys(sessions).forEach(function (sessionid) {
            var session = sessions[sessionid];
            var extra = session.extra || {};
            var here = current && current.sessionid === sessionid;
            var details = [Demo.el('strong', { className: 'room-name', text: sessionid })];
            details.push(Demo.el('div', { className: 'meta owner', text: 'by ' + Demo.displayName(extra, session.userid) + ' · ' + describeSession(session.session) }));
            if (typeof extra.topic === 'string' && extra.topic) details.push(Demo.el('div', { className: 'topic', text: extra.topic }));
            var item = Demo.el('li', { dataset: { sessionid: sessionid } }, [Demo.el('div', { className: 'who' }, details)]);
            if (session.isPasswordProtected) item.appendChild(Demo.el('span', { className: 'badge lock', text: 'password' }));
            if (here) {
                item.appendChild(Demo.el('span', { className: 'badge', text: 'you are here' }));
            } else if (!current) {
                item.appendChild(
                    Demo.el('button', {
                        className: 'small',
                        text: 'Join with camera',
                        attrs: { type: 'button', 'aria-label': 'Join ' + sessionid + ' with camera' },
                        onclick: function () {
                            joinRoom(session, true);
                        },
                    }),
                );
                item.appendChild(
                    Demo.el('button', {
                        className: 'secondary small',
                        text: 'Without camera',
                        attrs: { type: 'button', 'aria-label': 'Join ' + sessionid + ' without camera' },
                        onclick: function () {
                            joinRoom(session, false);
                        },
                    }),
                );
            }
            roomList.appendChild(item);
        });
    }

    function describeSession(session) {
        var text = String(session || '');
        if (text === 'audiovideo') return 'audio + video';
        if (text === 'audio') return 'audio only';
        return text.replace('audio', 'audio + ').replace('video', 'video + ').replace(/ \+ $/, '') || 'unknown';
    }

    setInterval(function () {
        Object.keys(sessions).forEach(function (sessionid) {
            if (current && current.sessionid === sessionid) return;
            connection.checkPresence(sessionid, function (exists) {
                if (exists || !sessions[sessionid]) return;
                Demo.log('room "' + sessionid + '" closed');
                delete sessions[sessionid];
                renderRooms();
            });
        });
    }, PRESENCE_CHECK_MS);

    // ---- the current room

    function renderPeople() {
        Demo.clear(peopleList);
        if (!current) return;
        peopleList.appendChild(
            Demo.el('li', { className: 'online' }, [
                Demo.el('span', { className: 'dot' }),
                Demo.el('span', { className: 'who', text: form.name() + ' (you)' }),
                Demo.el('span', { className: 'meta', text: current.withCamera ? 'camera on' : 'watching only' }),
            ]),
        );
        Object.keys(people).forEach(function (userid) {
            peopleList.appendChild(
                Demo.el('li', { className: 'online', dataset: { userid: userid } }, [
                    Demo.el('span', { className: 'dot' }),
                    Demo.el('span', { className: 'who', text: people[userid].name }),
                    Demo.el('span', { className: 'meta', text: people[userid].camera ? 'camera on' : 'watching only' }),
                ]),
            );
        });
    }

    function meet(userid, extra, camera) {
        if (!current || !userid || userid === connection.userid) return;
        var person = people[userid] || { name: Demo.displayName(extra, userid), camera: false };
        if (extra && extra.name) person.name = Demo.displayName(extra, userid);
        if (camera) person.camera = true;
        people[userid] = person;
        renderPeople();
        updateStatus();
    }

    connection.onUserStatusChanged = function (event) {
        if (event.status === 'online') meet(event.userid, event.extra, false);
        else if (people[event.userid]) {
            delete people[event.userid];
            renderPeople();
            updateStatus();
        }
    };

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        videos.appendChild(Demo.mediaTile(event, who));
        Demo.updateEmpty(videos);
        if (event.type === 'remote') meet(event.userid, event.extra, true);
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(videos, 'streamid', event.streamid);
        Demo.updateEmpty(videos);
    };

    connection.onleave = function (event) {
        Demo.removeTiles(videos, 'userid', event.userid);
        Demo.updateEmpty(videos);
        if (people[event.userid]) {
            Demo.log(people[event.userid].name + ' left');
            delete people[event.userid];
            renderPeople();
            updateStatus();
        }
    };

    connection.onEntireSessionClosed = function () {
        Demo.showError('The owner closed the room.');
        leaveRoom();
    };

    Demo.watchErrors(connection, { onrefused: leaveRoom, onmediaerror: leaveRoom, waitingText: null });

    function updateStatus() {
        if (!current) return;
        var count = Object.keys(people).length;
        var how = current.withCamera ? '' : ' without camera';
        Demo.setStatus(
            count
                ? 'In room "' + current.sessionid + '"' + how + ' with ' + count + (count === 1 ? ' other person.' : ' other people.')
                : current.owner
                  ? 'Room "' + current.sessionid + '" is open and listed. Waiting for someone to join.'
                  : 'Joining room "' + current.sessionid + '"' + how + '…',
        );
    }

    function enter(sessionid, owner, withCamera) {
        Demo.clearErrors();
        current = { sessionid: sessionid, owner: owner, withCamera: withCamera };
        people = {};
        form.lock(true, sessionid);
        topicInput.disabled = true;
        Demo.showButtons(BUTTONS, ['leave']);
        renderRooms();
        renderPeople();
        updateStatus();
    }

    function openRoom() {
        var room = form.requireRoom();
        if (!room) return;
        var extra = { name: form.name() };
        if (topicInput.value.trim()) extra.topic = topicInput.value.trim();
        connection.extra = extra;
        enter(room, true, true);
        // "extra" travels with the room's listing: every page shows it in onNewSession.
        connection.open({ sessionid: room, extra: extra });
    }

    function joinRoom(session, withCamera) {
        connection.extra = { name: form.name() };
        enter(session.sessionid, false, withCamera);
        if (withCamera) connection.join(session);
        else connection.join(session.sessionid, { oneway: true });
    }

    function leaveRoom() {
        if (current) {
            connection.leave();
            // leave() ends the session; listen to the lobby again.
            connection.connect(LOBBY);
        }
        current = null;
        people = {};
        Demo.clear(videos);
        Demo.updateEmpty(videos);
        form.lock(false);
        topicInput.disabled = false;
        Demo.showButtons(BUTTONS, ['open']);
        renderRooms();
        renderPeople();
        Demo.setStatus('Open a room, or join one from the list.');
    }

    Demo.byId('open').addEventListener('click', openRoom);
    Demo.byId('leave').addEventListener('click', function () {
        leaveRoom();
    });
})();
