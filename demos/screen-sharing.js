// Screen sharing: the seed's "Write screen sharing application" (direction 'one-way', session
// 'only screen'). The presenter's screen goes to every viewer; viewers send nothing.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('screen-room');
    var screen = Demo.byId('screen');
    var BUTTONS = ['open', 'join', 'leave'];
    var role = null; // 'presenter' | 'viewer' while in a room
    var viewers = {}; // userid -> name, for the presenter's status line

    var connection = new RTCMultiConnection();
    connection.direction = 'one-way';
    connection.session = 'only screen';
    Demo.applyIceSetting(connection);

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        var tile = Demo.mediaTile(event, event.type === 'local' ? 'Your screen, as viewers see it' : who + "'s screen");
        tile.classList.add('screen');
        Demo.clear(screen);
        screen.appendChild(tile);
        Demo.updateEmpty(screen);
        if (event.type === 'local') {
            Demo.log('you are sharing your screen');
            // The browser's own "Stop sharing" button ends the track: leave with it.
            event.stream.getVideoTracks().forEach(function (track) {
                track.addEventListener('ended', function () {
                    if (role === 'presenter') stop('You stopped sharing.');
                });
            });
        } else {
            Demo.log('watching ' + who + "'s screen");
        }
        updateStatus();
    };

    connection.onUserStatusChanged = function (event) {
        if (role !== 'presenter' || event.userid === connection.userid) return;
        if (event.status === 'online') viewers[event.userid] = Demo.displayName(event.extra, event.userid);
        else delete viewers[event.userid];
        updateStatus();
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(screen, 'streamid', event.streamid);
        Demo.updateEmpty(screen);
        if (role === 'viewer') Demo.setStatus('The presenter stopped sharing.');
    };

    connection.onleave = function (event) {
        if (role === 'presenter') {
            delete viewers[event.userid];
            updateStatus();
        } else {
            Demo.removeTiles(screen, 'userid', event.userid);
            Demo.updateEmpty(screen);
        }
        Demo.log(Demo.displayName(event.extra, event.userid) + ' left');
    };

    connection.onEntireSessionClosed = function () {
        stop('The presenter ended the session.');
    };

    Demo.watchErrors(connection, {
        onrefused: function () {
            stop();
        },
        onmediaerror: function () {
            stop();
        },
    });

    function updateStatus() {
        var room = form.room();
        if (role === 'presenter') {
            var names = Object.keys(viewers).map(function (userid) {
                return viewers[userid];
            });
            Demo.setStatus(
                names.length
                    ? 'Sharing in room "' + room + '" with ' + names.length + (names.length === 1 ? ' viewer: ' : ' viewers: ') + names.join(', ')
                    : 'Sharing in room "' + room + '". Nobody is watching yet: share the link above.',
            );
        } else if (role === 'viewer') {
            Demo.setStatus(screen.querySelector('.tile') ? 'Watching in room "' + room + '".' : 'Waiting for the shared screen of room "' + room + '"…');
        }
    }

    function start(asPresenter) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        role = asPresenter ? 'presenter' : 'viewer';
        viewers = {};
        form.lock(true);
        Demo.showButtons(BUTTONS, ['leave']);
        if (asPresenter) {
            Demo.setStatus('Choose what to share…');
            connection.open(room);
        } else {
            Demo.setStatus('Looking for room "' + room + '"…');
            connection.connect(room);
        }
    }

    function stop(message) {
        if (role) connection.leave();
        role = null;
        Demo.clear(screen);
        Demo.updateEmpty(screen);
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open', 'join']);
        Demo.setStatus(message || 'Share your screen, or watch someone\'s.');
    }

    Demo.byId('open').addEventListener('click', function () {
        start(true);
    });
    Demo.byId('join').addEventListener('click', function () {
        start(false);
    });
    Demo.byId('leave').addEventListener('click', function () {
        stop();
    });
})();
