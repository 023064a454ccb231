// Users ejection and presence: the seed's "Detect users presence" and "Eject any user".
// The member list is built from onUserStatusChanged (online/offline), onstream (who sends what,
// with their extra) and onleave (who left, and whether they were ejected). The owner
// (connection.isInitiator) gets an Eject button per member; the server enforces that only the
// owner may eject.
(function () {
    'use strict';

    var form = Demo.setupRoomForm('ejection-room');
    var videos = Demo.byId('videos');
    var memberList = Demo.byId('members');
    var ejectedBox = Demo.byId('ejected');
    var BUTTONS = ['open', 'join', 'leave'];
    var inRoom = false;
    // userid -> {name, status: 'online' | 'left' | 'ejected', owner}
    var members = {};

    var connection = new RTCMultiConnection();
    connection.session = 'audio + video';
    Demo.applyIceSetting(connection);

    function remember(userid, extra, status) {
        if (!userid || userid === connection.userid) return;
        var member = members[userid] || { name: Demo.displayName(extra, userid), status: 'online' };
        if (extra && typeof extra === 'object' && extra.name) member.name = Demo.displayName(extra, userid);
        if (status) member.status = status;
        members[userid] = member;
        render();
    }

    function render() {
        Demo.clear(memberList);
        if (!inRoom) return;
        var owner = connection.isInitiator;
        memberList.appendChild(
            Demo.el('li', { className: 'online', dataset: { userid: connection.userid } }, [
                Demo.el('span', { className: 'dot' }),
                Demo.el('span', { className: 'who', text: form.name() + ' (you)' }),
                owner ? Demo.el('span', { className: 'badge', text: 'owner' }) : null,
            ]),
        );
        Object.keys(members).forEach(function (userid) {
            var member = members[userid];
            var online = member.status === 'online';
            var item = Demo.el('li', { className: online ? 'online' : 'offline', dataset: { userid: userid, status: member.status } }, [
                Demo.el('span', { className: 'dot' }),
                Demo.el('span', { className: 'who', text: member.name }),
                Demo.el('span', { className: 'meta', text: online ? 'online' : member.status === 'ejected' ? 'ejected' : 'left' }),
            ]);
            if (member.owner && online) item.insertBefore(Demo.el('span', { className: 'badge', text: 'owner' }), item.lastChild);
            if (owner && online) {
                item.appendChild(
                    Demo.el('button', {
                        className: 'danger small',
                        text: 'Eject',
                        attrs: { type: 'button', 'aria-label': 'Eject ' + member.name },
                        onclick: function () {
                            Demo.log('ejecting ' + member.name);
                            connection.eject(userid);
                        },
                    }),
                );
            }
            memberList.appendChild(item);
        });
        var online = Object.keys(members).filter(function (userid) {
            return members[userid].status === 'online';
        }).length;
        Demo.setStatus(
            'In room "' + form.room() + '"' + (owner ? ' (you own it)' : '') + ': ' + online + (online === 1 ? ' other person online.' : ' other people online.'),
        );
    }

    connection.onUserStatusChanged = function (event) {
        Demo.log(Demo.displayName(event.extra, event.userid) + ' is ' + event.status);
        if (event.status === 'online') {
            remember(event.userid, event.extra, 'online');
        } else {
            // 'offline': left, unless onleave already said how (ejected).
            var known = members[event.userid];
            remember(event.userid, event.extra, known && known.status !== 'online' ? null : 'left');
        }
    };

    connection.onstream = function (event) {
        var who = event.type === 'local' ? form.name() : Demo.displayName(event.extra, event.userid);
        videos.appendChild(Demo.mediaTile(event, who));
        Demo.updateEmpty(videos);
        if (event.type === 'remote') {
            // A remote stream says whether its sender owns the room.
            if (event.isInitiator) (members[event.userid] = members[event.userid] || { name: Demo.displayName(event.extra, event.userid), status: 'online' }).owner = true;
            remember(event.userid, event.extra, 'online');
        } else {
            render();
        }
    };

    connection.onstreamended = function (event) {
        Demo.removeTiles(videos, 'streamid', event.streamid);
        Demo.updateEmpty(videos);
    };

    connection.onleave = function (event) {
        Demo.removeTiles(videos, 'userid', event.userid);
        Demo.updateEmpty(videos);
        if (!inRoom) return;
        Demo.log(Demo.displayName(event.extra, event.userid) + (event.ejected ? ' was ejected' : ' left'));
        remember(event.userid, event.extra, event.ejected ? 'ejected' : 'left');
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
        onstatechange: function (state) {
            if (state === 'ejected') wasEjected();
        },
    });

    // This person was thrown out: say so, and drop everything of the room.
    function wasEjected() {
        var room = form.room();
        Demo.byId('ejected-text').textContent = 'The owner of room "' + room + '" ejected you. You can no longer see or hear its members.';
        ejectedBox.hidden = false;
        Demo.log('you were ejected from "' + room + '"');
        leaveRoom('You were ejected from room "' + room + '".');
    }

    function enterRoom(opening) {
        var room = form.requireRoom();
        if (!room) return;
        Demo.clearErrors();
        ejectedBox.hidden = true;
        connection.extra = { name: form.name() };
        inRoom = true;
        members = {};
        form.lock(true);
        Demo.showButtons(BUTTONS, ['leave']);
        render();
        Demo.setStatus((opening ? 'Opening' : 'Looking for') + ' room "' + room + '"…');
        if (opening) connection.open(room);
        else connection.connect(room);
    }

    function leaveRoom(message) {
        if (inRoom) connection.leave();
        inRoom = false;
        members = {};
        Demo.clear(videos);
        Demo.updateEmpty(videos);
        render();
        form.lock(false);
        Demo.showButtons(BUTTONS, ['open', 'join']);
        Demo.setStatus(typeof message === 'string' ? message : 'Open a room, or join one that is open.');
    }

    // Ownership can move (the owner left and the longest-present member took over): the
    // Eject buttons follow connection.isInitiator.
    setInterval(function () {
        if (inRoom && memberList.dataset.owner !== String(connection.isInitiator)) {
            memberList.dataset.owner = String(connection.isInitiator);
            render();
        }
    }, 1000);

    Demo.byId('open').addEventListener('click', function () {
        enterRoom(true);
    });
    Demo.byId('join').addEventListener('click', function () {
        enterRoom(false);
    });
    Demo.byId('leave').addEventListener('click', function () {
        leaveRoom();
    });
})();
