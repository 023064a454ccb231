// The page logic of the user's app: a data-only room, as the seed's "group file sharing +
// text chat" snippet opens it. The same code runs from the <script> tag build, an esbuild
// bundle and a Vite build. Query: ?role=owner|guest&room=<id>. What the page sees goes to
// window.events for the test to read.
export function startChat(RTCMultiConnection) {
    const params = new URLSearchParams(location.search);
    const role = params.get('role');
    const events = (window.events = []);
    const connection = new RTCMultiConnection();
    connection.iceServers = [];
    connection.session = 'only data';
    connection.onopen = (event) => {
        events.push('open:' + event.userid);
        connection.send('hello from ' + role);
    };
    connection.onmessage = (event) => events.push('message:' + event.data);
    connection.onerror = (error) => events.push('error:' + error.code + ' ' + error.message);
    if (role === 'owner') connection.open(params.get('room'));
    else connection.connect(params.get('room'));
}
