// What onmessage gets. v1.2 handed the page the message itself (`onmessage(data)`); v1.3 and
// later an event {data, userid, extra} (v1.8 added latency). One object serves both readings:
// - its own fields are the event's: data, userid, extra;
// - an object message's own fields read through it (message.text when {text} was sent),
//   unless the message uses the names data, userid or extra;
// - a text message behaves as the text wherever text is expected: String(message),
//   message + '', template literals, JSON.parse(message), message == 'hi', message.length and
//   the string methods (message.indexOf(...), message.split(...)).
// What does not hold: typeof message is 'object', and message === 'hi' is false.
export function messageEvent(data, userid, extra) {
    let event;
    if (typeof data === 'string') {
        event = Object.create(String.prototype);
        const text = () => data;
        Object.defineProperties(event, {
            toString: { value: text },
            valueOf: { value: text },
            [Symbol.toPrimitive]: { value: text },
            length: { value: data.length },
        });
    } else if (data !== null && typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype) {
        event = Object.create(data);
    } else {
        event = {};
    }
    event.data = data;
    event.userid = userid;
    event.extra = extra;
    return event;
}
