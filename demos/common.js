// Helpers shared by the demo pages: DOM building that never parses user text as HTML, the
// room and name form with its invitation link, an error banner, a status line and an activity
// log. Nothing here touches RTCMultiConnection's internals: each page uses the public API as
// a web developer would, and only leans on these helpers for its user interface.
//
// Everything users type (names, room names, chat lines, file names, room extra data) reaches
// the page through el()/text nodes, i.e. textContent: it is shown, never interpreted.
(function () {
    'use strict';

    var params = new URLSearchParams(location.search);

    // el('p', {className: 'x', text: 'hello', dataset: {userid: id}, attrs: {href: url}}, [children])
    function el(tag, options, children) {
        var node = document.createElement(tag);
        options = options || {};
        if (options.className) node.className = options.className;
        if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
        if (options.title) node.title = String(options.title);
        if (options.dataset) {
            Object.keys(options.dataset).forEach(function (key) {
                node.dataset[key] = String(options.dataset[key]);
            });
        }
        if (options.attrs) {
            Object.keys(options.attrs).forEach(function (key) {
                node.setAttribute(key, String(options.attrs[key]));
            });
        }
        if (options.onclick) node.addEventListener('click', options.onclick);
        (children || []).forEach(function (child) {
            if (child === null || child === undefined) return;
            node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
        });
        return node;
    }

    function byId(id) {
        return document.getElementById(id);
    }

    function clear(node) {
        while (node.firstChild) node.removeChild(node.firstChild);
    }

    // ---- ICE servers ------------------------------------------------------------------------
    // Real use keeps the library's default (a public STUN server, so that people behind NAT
    // connect). `?ice=none` gives iceServers: [] for machines that must not reach the
    // internet, such as the browser tests.
    function applyIceSetting(connection) {
        if (params.get('ice') === 'none') connection.iceServers = [];
    }

    // ---- status, errors, activity log -------------------------------------------------------

    function setStatus(text) {
        var status = byId('status');
        if (status) status.textContent = text;
    }

    function log(text) {
        var list = byId('activity-log');
        if (!list) return;
        var time = new Date().toLocaleTimeString();
        list.appendChild(el('li', {}, [el('time', { text: time }), ' ', String(text)]));
        while (list.childNodes.length > 200) list.removeChild(list.firstChild);
        list.scrollTop = list.scrollHeight;
    }

    // A dismissable message in the error banner. The same text shown twice in a row is kept
    // once (a library may report one failure through two handlers).
    function showError(text) {
        var banner = byId('errors');
        log('error: ' + text);
        if (!banner) return;
        var last = banner.lastElementChild;
        if (last && last.dataset.message === String(text)) return;
        var close = el('button', { className: 'close', text: '×', attrs: { type: 'button', 'aria-label': 'Dismiss' } });
        var item = el('div', { className: 'error', dataset: { message: text } }, [el('span', { text: text }), close]);
        close.addEventListener('click', function () {
            item.remove();
        });
        banner.appendChild(item);
    }

    function clearErrors() {
        var banner = byId('errors');
        if (banner) clear(banner);
    }

    // Advice for the error codes a person is likely to meet, after the library's own message.
    var ERROR_ADVICE = {
        WRONG_PASSWORD: 'Check the password and try again.',
        ROOM_EXISTS: 'Join it instead, or pick another name.',
        ROOM_FULL: 'Try again later.',
        NOT_OWNER: "Only the room's owner can do that.",
        USERID_TAKEN: 'Close the other window that uses it.',
        SIGNALING_UNREACHABLE: 'Check that the server is running, then reload the page.',
    };

    function sentence(text) {
        text = String(text).trim();
        if (!text) return '';
        text = text.charAt(0).toUpperCase() + text.slice(1);
        return /[.!?]$/.test(text) ? text : text + '.';
    }

    function describeError(error) {
        if (!error) return 'Unknown error.';
        if (typeof error === 'string') return sentence(error);
        var parts = [sentence(error.message || error.name || String(error))];
        if (error.code && ERROR_ADVICE[error.code]) parts.push(ERROR_ADVICE[error.code]);
        if (error.code) parts.push('(' + error.code + ')');
        return parts.join(' ');
    }

    // Routes every way the library reports a problem into the error banner:
    // onerror, onMediaError and refused or failed states. `options.onstatechange(state, reason)`
    // also sees every state; `options.onrefused(reason)` runs when a join or open is refused;
    // `options.waitingText` is the status shown while a connect() waits for its room.
    function watchErrors(connection, options) {
        options = options || {};
        var lastErrorMessage = null;
        connection.onerror = function (error) {
            lastErrorMessage = error && error.message;
            showError(describeError(error));
            if (options.onerror) options.onerror(error);
        };
        connection.onMediaError = function (error) {
            lastErrorMessage = error && error.message;
            var what = error && error.session && error.session.screen ? 'screen' : 'camera or microphone';
            showError('Could not use your ' + what + ': ' + ((error && (error.message || error.name)) || 'refused'));
            if (options.onmediaerror) options.onmediaerror(error);
        };
        connection.onstatechange = function (state, reason) {
            log('state: ' + state + (reason ? ' (' + reason + ')' : ''));
            // A page that only lists rooms passes waitingText: null.
            var waiting = options.waitingText === undefined ? 'Waiting for the room to be opened…' : options.waitingText;
            if (state === 'room-not-available' && waiting) setStatus(waiting);
            if (state === 'request-rejected' || state === 'failed') {
                // The same failure usually reaches onerror (right after this state) or
                // onMediaError (right before) too: show the reason only if neither told it.
                setTimeout(function () {
                    var told = lastErrorMessage && String(reason).indexOf(lastErrorMessage) !== -1;
                    if (reason && !told) showError((state === 'failed' ? 'Failed: ' : 'Refused: ') + reason);
                }, 0);
                if (options.onrefused) options.onrefused(reason, state);
            }
            if (options.onstatechange) options.onstatechange(state, reason);
        };
    }

    // ---- the room / name form ---------------------------------------------------------------

    function roomFromHash() {
        if (!location.hash || location.hash.length < 2) return '';
        try {
            return decodeURIComponent(location.hash.slice(1));
        } catch (error) {
            return location.hash.slice(1);
        }
    }

    function randomGuestName() {
        var words = new Uint16Array(1);
        crypto.getRandomValues(words);
        return 'Guest ' + (1000 + (words[0] % 9000));
    }

    // Wires #room, #name, #share-link and #copy-link. The room comes from the URL's #room,
    // else `defaultRoom`, so two windows opened on the same page meet without typing.
    function setupRoomForm(defaultRoom) {
        var roomInput = byId('room');
        var nameInput = byId('name');
        var shareLink = byId('share-link');
        var copyButton = byId('copy-link');
        roomInput.value = roomFromHash() || defaultRoom;
        if (nameInput && !nameInput.value) nameInput.value = randomGuestName();

        function link() {
            return location.origin + location.pathname + location.search + '#' + encodeURIComponent(room());
        }
        function refreshLink() {
            if (!shareLink) return;
            shareLink.href = link();
            shareLink.textContent = link();
        }
        function room() {
            return roomInput.value.trim();
        }
        function name() {
            return (nameInput && nameInput.value.trim()) || 'Anonymous';
        }

        roomInput.addEventListener('input', refreshLink);
        window.addEventListener('hashchange', function () {
            var fromHash = roomFromHash();
            if (fromHash && !roomInput.disabled) {
                roomInput.value = fromHash;
                refreshLink();
            }
        });
        if (copyButton) {
            copyButton.addEventListener('click', function () {
                var done = function () {
                    copyButton.textContent = 'Copied';
                    setTimeout(function () {
                        copyButton.textContent = 'Copy';
                    }, 1500);
                };
                if (navigator.clipboard && navigator.clipboard.writeText) {
                    navigator.clipboard.writeText(link()).then(done, function () {
                        showError('Could not copy the link: select it and copy it by hand.');
                    });
                } else {
                    showError('Copying needs a secure page: select the link and copy it by hand.');
                }
            });
        }
        refreshLink();

        return {
            room: room,
            name: name,
            // Checks the room name; shows an error and returns '' when it is empty.
            requireRoom: function () {
                var value = room();
                if (!value) showError('Type a room name first.');
                return value;
            },
            // While in a room the form cannot change it; the hash follows the room in use
            // (`roomInUse`, the typed room by default).
            lock: function (locked, roomInUse) {
                roomInput.disabled = locked;
                if (nameInput) nameInput.disabled = locked;
                if (locked && roomInUse !== undefined) roomInput.value = roomInUse;
                if (locked && room()) history.replaceState(null, '', '#' + encodeURIComponent(room()));
                refreshLink();
            },
        };
    }

    // The "Through the SFU" checkbox: usable when the server has one (/healthz says sfu: true).
    // Returns whether the room to open should ask for it. Only the opener's choice counts: a
    // room is a mesh or goes through the SFU for everyone in it.
    function offerSfu(checkbox) {
        if (!checkbox) return function () { return false; };
        fetch('/healthz', { cache: 'no-store' })
            .then(function (response) { return response.json(); })
            .then(function (health) {
                checkbox.disabled = !health.sfu;
                if (!health.sfu) checkbox.parentNode.title = 'This server has no SFU (start it with RTCMC_JANUS_URL): rooms are a mesh.';
            })
            .catch(function () {
                checkbox.disabled = true;
            });
        return function () {
            return checkbox.checked && !checkbox.disabled;
        };
    }

    // Shows `buttons` (ids) and hides every other button of `all`.
    function showButtons(all, visible) {
        all.forEach(function (id) {
            var button = byId(id);
            if (button) button.hidden = visible.indexOf(id) === -1;
        });
    }

    // ---- people and media --------------------------------------------------------------------

    // The display name a page put in connection.extra ({name}); the user id otherwise.
    function displayName(extra, userid) {
        if (extra && typeof extra === 'object' && typeof extra.name === 'string' && extra.name.trim()) {
            return extra.name.trim().slice(0, 60);
        }
        return userid ? 'user ' + String(userid).slice(0, 8) : 'someone';
    }

    // A captioned tile holding a stream's media element.
    function mediaTile(event, caption) {
        var media = event.mediaElement;
        media.controls = media.tagName === 'AUDIO';
        media.autoplay = true;
        media.playsInline = true;
        var tile = el('figure', { className: 'tile ' + event.type, dataset: { userid: event.userid || '', streamid: event.streamid } }, [
            media,
            el('figcaption', { text: caption }),
        ]);
        var playing = media.play();
        if (playing && playing.catch) {
            playing.catch(function () {
                // Autoplay with sound may need a click on this page first.
                tile.appendChild(
                    el('button', {
                        className: 'play',
                        text: 'Click to play',
                        attrs: { type: 'button' },
                        onclick: function (clickEvent) {
                            media.play();
                            clickEvent.target.remove();
                        },
                    }),
                );
            });
        }
        return tile;
    }

    // Removes the tiles of one user (or of one stream) below `container`.
    function removeTiles(container, field, value) {
        Array.prototype.slice.call(container.querySelectorAll('.tile')).forEach(function (tile) {
            if (tile.dataset[field] === String(value)) tile.remove();
        });
    }

    // Re-shows the placeholder of a media area when it holds no tile.
    function updateEmpty(container) {
        container.classList.toggle('empty', !container.querySelector('.tile'));
    }

    // A live table of connection.getStats(): one row per peer with the path (the selected
    // candidate pair: host, srflx or relay), round-trip time, packet loss, bytes each way and
    // the video bitrates. Refreshed every `intervalMs` while started.
    function statsPanel(connection, table, nameOf, intervalMs) {
        var timer = null;
        var body = table.tBodies[0];
        function bytes(count) {
            if (count >= 1048576) return (count / 1048576).toFixed(1) + ' MiB';
            return Math.round(count / 1024) + ' KiB';
        }
        function bitrate(summary, direction) {
            var total = null;
            summary.streams.forEach(function (stream) {
                if (stream.kind !== 'video' || stream.direction !== direction || stream.bitrate === null) return;
                total = (total || 0) + stream.bitrate;
            });
            return total === null ? '…' : Math.round(total / 1000) + ' kbit/s';
        }
        function render(all) {
            clear(body);
            Object.keys(all).sort().forEach(function (userid) {
                var summary = all[userid];
                var pair = summary.candidatePair;
                var cells = [
                    nameOf(userid),
                    pair ? pair.local + ' → ' + pair.remote : '…',
                    summary.roundTripTime === null ? '…' : Math.round(summary.roundTripTime * 1000) + ' ms',
                    (summary.packetLoss * 100).toFixed(1) + ' %',
                    bytes(summary.bytesSent),
                    bytes(summary.bytesReceived),
                    bitrate(summary, 'inbound'),
                    bitrate(summary, 'outbound'),
                ];
                body.appendChild(el('tr', { dataset: { userid: userid } }, cells.map(function (text) {
                    return el('td', { text: text });
                })));
            });
            table.hidden = body.rows.length === 0;
        }
        function refresh() {
            connection.getStats(render).catch(function () {});
        }
        return {
            start: function () {
                if (timer === null) timer = setInterval(refresh, intervalMs || 2000);
                refresh();
            },
            stop: function () {
                clearInterval(timer);
                timer = null;
                clear(body);
                table.hidden = true;
            },
        };
    }

    window.Demo = {
        params: params,
        el: el,
        byId: byId,
        clear: clear,
        applyIceSetting: applyIceSetting,
        setStatus: setStatus,
        log: log,
        showError: showError,
        clearErrors: clearErrors,
        describeError: describeError,
        watchErrors: watchErrors,
        offerSfu: offerSfu,
        setupRoomForm: setupRoomForm,
        showButtons: showButtons,
        displayName: displayName,
        mediaTile: mediaTile,
        removeTiles: removeTiles,
        updateEmpty: updateEmpty,
        statsPanel: statsPanel,
    };

    // A script error of the page itself also lands in the banner, not only in the console.
    window.addEventListener('error', function (event) {
        showError('Page error: ' + event.message);
    });
    window.addEventListener('unhandledrejection', function (event) {
        showError('Page error: ' + (event.reason && event.reason.message ? event.reason.message : String(event.reason)));
    });
})();
