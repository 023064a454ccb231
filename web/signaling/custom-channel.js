// connection.openSignalingChannel(config), exactly as the seed documents define it: the page
// opens a pub/sub channel, calls config.callback(socket) (or config.onopen) when connected,
// hands every message it receives to config.onmessage, and the socket has send(message).
// Messages travel as JS objects; the engine (owner authority) keeps the room.
export class CustomChannel {
    constructor(connection, handlers) {
        this.authority = 'owner';
        this.handlers = handlers;
        this.socket = null;
        this.queue = [];
        const config = {
            channel: connection.channel,
            onmessage: (message) => this.receive(message),
            callback: (socket) => this.opened(socket),
            onopen: () => this.opened(this.socket),
        };
        let returned;
        try {
            returned = connection.openSignalingChannel.call(connection, config);
        } catch (error) {
            handlers.onError('SIGNALING_FAILED', 'openSignalingChannel threw: ' + (error && error.message));
            return;
        }
        // Transports that return their socket (Firebase-style) may be used at once.
        if (returned && typeof returned.send === 'function') this.opened(returned);
    }

    opened(socket) {
        if (socket && typeof socket.send === 'function') this.socket = socket;
        if (!this.socket) return;
        const queued = this.queue.splice(0);
        for (const message of queued) this.socket.send(message);
    }

    receive(message) {
        let text;
        try {
            text = typeof message === 'string' ? message : JSON.stringify(message);
        } catch (error) {
            this.handlers.onError('MALFORMED_MESSAGE', 'a signaling message could not be read: ' + error.message);
            return;
        }
        this.handlers.onRelay('', text);
    }

    send(to, text) {
        const message = JSON.parse(text); // the seeds' transports carry objects
        if (this.socket) this.socket.send(message);
        else this.queue.push(message);
    }

    close() {
        this.socket = null;
        this.queue = [];
    }
}
