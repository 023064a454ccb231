// connection.sharePartOfScreen({element, interval}) (v1.8): a part of the page as a video
// stream. The element is drawn into a canvas every `interval` ms and the canvas is captured
// (canvas.captureStream), so the part reaches peers as ordinary video, late joiners included.
// <canvas>, <video> and <img> are drawn as they are; any other element is rendered through an
// SVG foreignObject snapshot of its DOM with the computed style of every node inlined
// (same-origin content; external images and fonts are not fetched into the snapshot).
// Upstream sent screenshots over the data channel to an `onpartofscreen` callback.

const DRAWABLE = new Set(['CANVAS', 'VIDEO', 'IMG']);

export class PartOfScreen {
    constructor({ element, interval }) {
        if (!element || typeof element.getBoundingClientRect !== 'function') {
            throw new TypeError('sharePartOfScreen({element}) needs a DOM element');
        }
        this.element = element;
        this.interval = Math.max(40, Number(interval) || 1000);
        this.canvas = document.createElement('canvas');
        this.context = this.canvas.getContext('2d');
        this.timer = null;
        this.drawing = false;
        this.paused = false;
        this.stream = null;
    }

    // The stream of the part; the first frame is drawn before it is handed out.
    async start() {
        await this.draw();
        this.stream = this.canvas.captureStream();
        this.timer = setInterval(() => this.draw(), this.interval);
        return this.stream;
    }

    pause() {
        this.paused = true;
    }

    resume() {
        this.paused = false;
        this.draw();
    }

    stop() {
        clearInterval(this.timer);
        this.timer = null;
        if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    }

    async draw() {
        if (this.paused || this.drawing) return;
        this.drawing = true;
        try {
            const { width, height } = this.element.getBoundingClientRect();
            const w = Math.max(2, Math.round(width));
            const h = Math.max(2, Math.round(height));
            if (this.canvas.width !== w || this.canvas.height !== h) {
                this.canvas.width = w;
                this.canvas.height = h;
            }
            const image = DRAWABLE.has(this.element.tagName) ? this.element : await snapshot(this.element, w, h);
            this.context.clearRect(0, 0, w, h);
            this.context.drawImage(image, 0, 0, w, h);
        } catch {
            // A frame that cannot be drawn (an element being removed) keeps the last one.
        } finally {
            this.drawing = false;
        }
    }
}

async function snapshot(element, width, height) {
    const clone = element.cloneNode(true);
    inlineStyles(element, clone);
    const markup = new XMLSerializer().serializeToString(clone);
    const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
        `<foreignObject width="100%" height="100%">${markup}</foreignObject></svg>`;
    const image = new Image();
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
    await image.decode();
    return image;
}

// Stylesheets do not travel with a serialized node: copy every computed property onto it.
function inlineStyles(source, target) {
    if (source.nodeType !== 1) return;
    const computed = getComputedStyle(source);
    let text = '';
    for (let i = 0; i < computed.length; i++) {
        const property = computed[i];
        text += `${property}:${computed.getPropertyValue(property)};`;
    }
    target.setAttribute('style', text);
    for (let i = 0; i < source.children.length; i++) inlineStyles(source.children[i], target.children[i]);
}
