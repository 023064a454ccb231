// Video broadcasting: one-way audio + video from the room's owner to every viewer, in the v1.3
// object form of `session` ({oneway: true}). The broadcaster sees who watches through
// onUserStatusChanged.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('broadcast');
    var wantsSfu = Demo.offerSfu(Demo.byId('sfu')); // read when opening: the opener decides
    var stage = Demo.byId('stage');
    var audience = Demo.byId('audience');
    var viewerList = Demo.byId('viewers');
    var BUTTONS = ['open', 'join', 'leave'];
    var role = null; // 'broadcaster' | 'viewer'
    var viewers = {}; // userid -> name

    var connection = new RTCMultiConnection();
    connection.session = { audio: true, video: true, oneway: true };
    Demo.applyIceSetting(connection);

    connection.onstream = function (event) {
        var caption = event.type === 'local' ? form.name() + ' (live)' : Demo.displayName(event.extra, event.userid);
        Demo.clear(stage);
        stage.appendChild(Demo.mediaTile(event, caption));
        Demo.updateEmpty(stage);
        Demo.log(event.type === 'local' ? 'you are live' : 'watching ' + caption);
        updateStatus();
    };

    connection.onUserStatusChanged = function (event) {
        if (role !== 'broadcaster' || event.userid === connection.userid) return;
        if (event.status === 'online') viewers[event.userid] = Demo.displayName(event.extra, event.userid);
        else delete viewers[event.userid];
        renderViewers();
    };

    connection.onleave = function (event) {
        if (role === 'broadcaster') {
            delete viewers[event.userid];
            renderViewers();
        } else {
            Demo.removeTiles(stage, 'userid', event.userid);
            Demo.updateEmpty(stage);
            Demo.setStatus('The broadcaster left.');
        }
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(stage, 'streamid', event.streamid);
        Demo.updateEmpty(stage);
        if (role === 'viewer') Demo.setStatus('The broadcast ended.');
    };

    connection.onEntireSessionClosed = function () {
        stop('The broadcast ended.');
    };

    Demo.watchErrors(connection, {
        onrefused: function () {
            stop();
        },
        onmediaerror: function () {
            stop();
        },
    });

    function renderViewers() {
        Demo.clear(viewerList);
        var ids = Object.keys(viewers);
        ids.forEach(function (userid) {
            viewerList.appendChild(Demo.el('li', { className: 'online', dataset: { userid: userid } }, [Demo.el('span', { className: 'dot' }), Demo.el('span', { className: 'who', text: viewers[userid] })]));
        });
        Demo.byId('viewer-count').textContent = String(ids.length);
        updateStatus();
    }

    function updateStatus() {
        var room = form.room();
        if (role === 'broadcaster') {
            var count = Object.keys(viewers).length;
            Demo.setStatus('Broadcasting "' + room + '" to ' + count + (count === 1 ? ' viewer.' : ' viewers.'));
        } else if (role === 'viewer') {
            Demo.setStatus(stage.querySelector('.tile') ? 'Watching "' + room + '".' : 'Waiting for broadcast "' + room + '"…');
        }
    }

    function start(asBroadcaster) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        role = asBroadcaster ? 'broadcaster' : 'viewer';
        viewers = {};
        renderViewers();
        audience.hidden = !asBroadcaster;
        form.lock(true);
        Demo.showButtons(BUTTONS, ['leave']);
        if (asBroadcaster) {
            Demo.setStatus('Starting the camera…');
            connection.sfu = wantsSfu();
            connection.open(room);
        } else {
            Demo.setStatus('Looking for broadcast "' + room + '"…');
            connection.connect(room);
        }
    }

    function stop(message) {
        if (role) connection.leave();
        role = null;
        viewers = {};
        audience.hidden = true;
        Demo.clear(stage);
        Demo.updateEmpty(stage);
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open', 'join']);
        Demo.setStatus(message || 'Start a broadcast, or watch one.');
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
