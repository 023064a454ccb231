// Password-protected rooms: connection.password on both sides. A refused join (onerror with
// code WRONG_PASSWORD, onstatechange 'request-rejected') is shown, and the person may try again.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('private-room');
    var passwordInput = Demo.byId('password');
    var videos = Demo.byId('videos');
    var BUTTONS = ['open', 'join', 'leave'];
    var inRoom = false;

    var connection = new RTCMultiConnection();
    connection.session = 'audio + video';
    Demo.applyIceSetting(connection);

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        videos.appendChild(Demo.mediaTile(event, who));
        Demo.updateEmpty(videos);
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
        reset();
    };

    Demo.watchErrors(connection, {
        onerror: function (error) {
            if (error && error.code === 'WRONG_PASSWORD') {
                passwordInput.select();
                reset('Wrong password for room "' + form.room() + '". Check it and try again.');
            }
        },
        onrefused: function () {
            reset();
        },
        onmediaerror: function () {
            reset();
        },
    });

    function updateStatus() {
        if (!inRoom) return;
        var others = videos.querySelectorAll('.tile.remote').length;
        var room = form.room();
        if (others > 0) Demo.setStatus('In private room "' + room + '" with ' + others + (others === 1 ? ' other person.' : ' other people.'));
        else if (connection.isInitiator) Demo.setStatus('Private room "' + room + '" is open. Share the link and the password.');
    }

    function enter(opening) {
        var room = form.requireRoom();
        if (!room) return;
        var password = passwordInput.value;
        if (opening && !password) {
            Demo.showError('Choose a password for your room.');
            passwordInput.focus();
            return;
        }
        Demo.clearErrors();
        connection.extra = { name: form.name() };
        connection.password = password;
        inRoom = true;
        form.lock(true);
        passwordInput.disabled = true;
        Demo.showButtons(BUTTONS, ['leave']);
        if (opening) {
            Demo.setStatus('Opening private room "' + room + '"…');
            connection.open(room);
        } else {
            Demo.setStatus('Asking to join room "' + room + '"…');
            connection.connect(room);
        }
    }

    // Back to the form, after leaving or after a refusal (a refused session is already over).
    function reset(message) {
        if (inRoom) connection.leave();
        inRoom = false;
        Demo.clear(videos);
        Demo.updateEmpty(videos);
        form.lock(false);
        passwordInput.disabled = false;
        Demo.showButtons(BUTTONS, ['open', 'join']);
        Demo.setStatus(typeof message === 'string' ? message : 'Open a room with a password, or join one.');
    }

    Demo.byId('open').addEventListener('click', function () {
        enter(true);
    });
    Demo.byId('join').addEventListener('click', function () {
        enter(false);
    });
    Demo.byId('leave').addEventListener('click', function () {
        reset();
    });
})();
