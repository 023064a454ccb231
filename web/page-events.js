// The engine's page events (core.PageEvent) by the callback they fire, and the facade's own
// notices (_opened...: isInitiator, sessionid, presence callbacks).
export const PAGE_EVENTS = {
    OnNewSession: 'onNewSession',
    OnSessionClosed: 'onSessionClosed',
    OnEntireSessionClosed: 'onEntireSessionClosed',
    OnUserStatusChanged: 'onUserStatusChanged',
    OnExtraDataUpdated: 'onExtraDataUpdated',
    OnOpen: 'onopen',
    OnClose: 'onclose',
    OnError: 'onerror',
    OnLeave: 'onleave',
    OnStateChange: 'onstatechange',
    OnStream: 'onstream',
    OnStreamEnded: 'onstreamended',
    OnMute: 'onmute',
    OnUnmute: 'onunmute',
    Opened: '_opened',
    Joined: '_joined',
    OwnerChanged: '_ownerChanged',
    Presence: '_presence',
    OnPeerStateChanged: 'onPeerStateChanged',
};
