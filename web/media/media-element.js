// The <video>/<audio> element handed to pages as `mediaElement` in onstream.
export function createMediaElement(stream, { local, audioOnly }) {
    const element = document.createElement(audioOnly ? 'audio' : 'video');
    element.autoplay = true;
    element.playsInline = true;
    element.controls = true;
    // Our own voice must not play back to us; remote audio plays.
    element.muted = !!local;
    element.srcObject = stream;
    element.id = stream.id;
    const play = element.play();
    if (play && play.catch) {
        // Autoplay policies may refuse until the user interacts; the element keeps its stream.
        play.catch(() => {});
    }
    return element;
}
