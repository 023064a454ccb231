// Audio conferencing: the seed's "Write an audio-conferencing application"
// (connection.session = 'only audio'). Each person is a tile with an <audio> element; the
// speaking ring comes from onspeaking/onsilence.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('audio-room');
    var people = Demo.byId('people');
    var muteButton = Demo.byId('mute');
    var BUTTONS = ['open', 'join', 'mute', 'leave'];
    var inRoom = false;
    var muted = false;
    var localStreamid = null;

    var connection = new RTCMultiConnection();
    connection.session = 'only-audio';
    Demo.applyIceSetting(connection);

    function tileOf(streamid) {
        return people.querySelector('.tile[data-streamid="' + CSS.escape(streamid) + '"]');
    }

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        var tile = Demo.mediaTile(event, who);
        tile.classList.add('audio-only');
        tile.insertBefore(Demo.el('div', { className: 'avatar', text: who.charAt(0).toUpperCase() }), tile.firstChild);
        people.appendChild(tile);
        Demo.updateEmpty(people);
        if (event.type === 'local') {
            localStreamid = event.streamid;
            Demo.log('your microphone is on');
        } else {
            Demo.log(who + ' joined');
        }
        updateStatus();
    };

    connection.onspeaking = function (event) {
        var tile = tileOf(event.streamid);
        if (tile) tile.classList.add('speaking');
    };
    connection.onsilence = function (event) {
        var tile = tileOf(event.streamid);
        if (tile) tile.classList.remove('speaking');
    };

    connection.onmute = function (event) {
        var tile = tileOf(event.streamid);
        if (tile && event.type === 'remote') tile.querySelector('figcaption').dataset.muted = 'true';
        Demo.log(Demo.displayName(event.extra, event.userid) + ' muted');
    };
    connection.onunmute = function (event) {
        var tile = tileOf(event.streamid);
        if (tile && event.type === 'remote') delete tile.querySelector('figcaption').dataset.muted;
        Demo.log(Demo.displayName(event.extra, event.userid) + ' unmuted');
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(people, 'streamid', event.streamid);
        Demo.updateEmpty(people);
        updateStatus();
    };

    connection.onleave = function (event) {
        Demo.log(Demo.displayName(event.extra, event.userid) + ' left');
        Demo.removeTiles(people, 'userid', event.userid);
        Demo.updateEmpty(people);
        updateStatus();
    };

    connection.onEntireSessionClosed = function () {
        Demo.showError('The owner closed the room.');
        leaveRoom();
    };

    Demo.watchErrors(connection, { onrefused: leaveRoom, onmediaerror: leaveRoom });

    function updateStatus() {
        if (!inRoom) return;
        var others = people.querySelectorAll('.tile.remote').length;
        var room = form.room();
        if (others === 0) {
            Demo.setStatus(connection.isInitiator ? 'Room "' + room + '" is open. Waiting for others: share the link above.' : 'Joining room "' + room + '"…');
        } else {
            Demo.setStatus('Talking in room "' + room + '" with ' + others + (others === 1 ? ' other person.' : ' other people.'));
        }
    }

    function enterRoom(opening) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        inRoom = true;
        muted = false;
        muteButton.textContent = 'Mute';
        form.lock(true);
        Demo.showButtons(BUTTONS, ['mute', 'leave']);
        Demo.setStatus((opening ? 'Opening' : 'Looking for') + ' room "' + room + '"…');
        if (opening) connection.open(room);
        else connection.connect(room);
    }

    function leaveRoom() {
        if (inRoom) connection.leave();
        inRoom = false;
        localStreamid = null;
        Demo.clear(people);
        Demo.updateEmpty(people);
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open', 'join']);
        Demo.setStatus('Open a room, or join one that is open.');
    }

    Demo.byId('open').addEventListener('click', function () {
        enterRoom(true);
    });
    Demo.byId('join').addEventListener('click', function () {
        enterRoom(false);
    });
    muteButton.addEventListener('click', function () {
        var stream = localStreamid && connection.streams[localStreamid];
        if (!stream) return;
        muted = !muted;
        if (muted) stream.mute({ audio: true });
        else stream.unmute({ audio: true });
        muteButton.textContent = muted ? 'Unmute' : 'Mute';
        var tile = tileOf(localStreamid);
        if (tile) tile.querySelector('figcaption').dataset.muted = muted ? 'true' : '';
    });
    Demo.byId('leave').addEventListener('click', function () {
        leaveRoom();
        Demo.log('you left the room');
    });
})();
