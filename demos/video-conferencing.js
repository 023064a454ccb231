// Video conferencing: the seed's "Write video-conferencing application". Every member sends
// its camera and microphone to every other member (the default many-to-many direction).
(function () {
    'use strict';

    var form = Demo.setupRoomForm('video-room');
    var wantsSfu = Demo.offerSfu(Demo.byId('sfu')); // read when opening: the opener decides
    var videos = Demo.byId('videos');
    var BUTTONS = ['open', 'join', 'leave'];
    var inRoom = false;

    var connection = new RTCMultiConnection();
    connection.session = 'audio + video';
    Demo.applyIceSetting(connection);
    var names = {}; // userid -> the name they typed
    var stats = Demo.statsPanel(connection, Demo.byId('stats'), function (userid) {
        return names[userid] || userid;
    });

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        if (event.type === 'remote') names[event.userid] = who;
        videos.appendChild(Demo.mediaTile(event, who));
        Demo.updateEmpty(videos);
        Demo.log((event.type === 'local' ? 'your camera is on' : who + ' joined with video'));
        updateStatus();
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(videos, 'streamid', event.streamid);
        Demo.updateEmpty(videos);
        updateStatus();
    };

    connection.onleave = function (event) {
        Demo.log(Demo.displayName(event.extra, event.userid) + ' left');
        Demo.removeTiles(videos, 'userid', event.userid);
        Demo.updateEmpty(videos);
        updateStatus();
    };

    connection.onEntireSessionClosed = function () {
        Demo.showError('The owner closed the room.');
        leaveRoom();
    };

    Demo.watchErrors(connection, {
        onrefused: function () {
            leaveRoom();
        },
        onmediaerror: function () {
            leaveRoom();
        },
    });

    function updateStatus() {
        if (!inRoom) return;
        var others = videos.querySelectorAll('.tile.remote').length;
        var room = form.room();
        if (others === 0) {
            Demo.setStatus(connection.isInitiator ? 'Room "' + room + '" is open. Waiting for others: share the link above.' : 'Joining room "' + room + '"…');
        } else {
            Demo.setStatus('In room "' + room + '" with ' + others + (others === 1 ? ' other person.' : ' other people.'));
        }
    }

    function enterRoom(opening) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        inRoom = true;
        stats.start();
        form.lock(true);
        Demo.showButtons(BUTTONS, ['leave']);
        if (opening) {
            Demo.setStatus('Opening room "' + room + '"…');
            connection.sfu = wantsSfu();
            connection.open(room);
        } else {
            Demo.setStatus('Looking for room "' + room + '"…');
            connection.connect(room);
        }
    }

    function leaveRoom() {
        if (inRoom) connection.leave();
        inRoom = false;
        stats.stop();
        Demo.clear(videos);
        Demo.updateEmpty(videos);
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
    Demo.byId('leave').addEventListener('click', function () {
        leaveRoom();
        Demo.log('you left the room');
    });
})();
