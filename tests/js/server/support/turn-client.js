// A minimal TURN client over UDP for tests: Allocate and Refresh with long-term credentials
// (RFC 8656 sections 7 and 8; STUN message format and MESSAGE-INTEGRITY from RFC 8489
// sections 5, 9.2 and 14.5). Enough to ask a real TURN server what it accepts; not a relay.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
export const METHOD = { ALLOCATE: 0x003, REFRESH: 0x004 };
const CLASS_SUCCESS = 0x100;
const CLASS_ERROR = 0x110;
const ATTRIBUTE = {
    USERNAME: 0x0006,
    MESSAGE_INTEGRITY: 0x0008,
    ERROR_CODE: 0x0009,
    LIFETIME: 0x000d,
    REALM: 0x0014,
    NONCE: 0x0015,
    REQUESTED_TRANSPORT: 0x0019,
};
const UDP_PROTOCOL = 17;

function attribute(type, value) {
    const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
    padded.writeUInt16BE(type, 0);
    padded.writeUInt16BE(value.length, 2);
    value.copy(padded, 4);
    return padded;
}

function uint32(value) {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(value, 0);
    return buffer;
}

// A request of `method` with `attributes` ([type, Buffer]); with `key`, MESSAGE-INTEGRITY last.
function encodeRequest(method, transaction, attributes, key) {
    const body = Buffer.concat(attributes.map(([type, value]) => attribute(type, value)));
    const header = Buffer.alloc(20);
    header.writeUInt16BE(method, 0);
    header.writeUInt32BE(MAGIC_COOKIE, 4);
    transaction.copy(header, 8);
    if (!key) {
        header.writeUInt16BE(body.length, 2);
        return Buffer.concat([header, body]);
    }
    // The length covers MESSAGE-INTEGRITY (24 bytes) when its HMAC is computed (RFC 8489 14.5).
    header.writeUInt16BE(body.length + 24, 2);
    const integrity = createHmac('sha1', key).update(Buffer.concat([header, body])).digest();
    return Buffer.concat([header, body, attribute(ATTRIBUTE.MESSAGE_INTEGRITY, integrity)]);
}

function decode(message) {
    const type = message.readUInt16BE(0);
    const length = message.readUInt16BE(2);
    const attributes = new Map();
    for (let at = 20; at + 4 <= 20 + length; ) {
        const attributeType = message.readUInt16BE(at);
        const attributeLength = message.readUInt16BE(at + 2);
        attributes.set(attributeType, message.subarray(at + 4, at + 4 + attributeLength));
        at += 4 + Math.ceil(attributeLength / 4) * 4;
    }
    const errorValue = attributes.get(ATTRIBUTE.ERROR_CODE);
    const error = errorValue ? errorValue[2] * 100 + errorValue[3] : null;
    return {
        method: type & 0x3eef,
        success: (type & 0x110) === CLASS_SUCCESS,
        error,
        reason: errorValue ? errorValue.subarray(4).toString('utf8') : '',
        realm: attributes.get(ATTRIBUTE.REALM)?.toString('utf8'),
        nonce: attributes.get(ATTRIBUTE.NONCE),
        transaction: message.subarray(8, 20),
    };
}

// One UDP socket = one TURN client session ("5-tuple") with the server at host:port.
export class TurnClient {
    constructor(host, port) {
        this.host = host;
        this.port = port;
        this.socket = dgram.createSocket('udp4');
        this.waiting = new Map(); // transaction hex -> resolve
        this.socket.on('message', (message) => {
            if (message.length < 20 || message.readUInt32BE(4) !== MAGIC_COOKIE) return;
            const answer = decode(message);
            const resolve = this.waiting.get(answer.transaction.toString('hex'));
            if (resolve) resolve(answer);
        });
        this.realm = null;
        this.nonce = null;
    }

    send(method, attributes, key, timeoutMs = 3000) {
        const transaction = randomBytes(12);
        const id = transaction.toString('hex');
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting.delete(id);
                reject(new Error(`no answer from TURN ${this.host}:${this.port} within ${timeoutMs} ms`));
            }, timeoutMs);
            this.waiting.set(id, (answer) => {
                clearTimeout(timer);
                this.waiting.delete(id);
                resolve(answer);
            });
            this.socket.send(encodeRequest(method, transaction, attributes, key), this.port, this.host);
        });
    }

    // An authenticated request: the first one learns the realm and nonce from the 401 challenge;
    // a 438 (stale nonce) is answered with the new nonce once. Resolves with the answer.
    async request(method, extraAttributes, { username, password }) {
        if (!this.nonce) {
            const challenge = await this.send(method, extraAttributes);
            if (challenge.error !== 401 || !challenge.nonce) return challenge;
            this.realm = challenge.realm;
            this.nonce = challenge.nonce;
        }
        for (let attempt = 0; ; attempt++) {
            const key = createHash('md5').update(`${username}:${this.realm}:${password}`, 'utf8').digest();
            const attributes = [
                ...extraAttributes,
                [ATTRIBUTE.USERNAME, Buffer.from(username, 'utf8')],
                [ATTRIBUTE.REALM, Buffer.from(this.realm, 'utf8')],
                [ATTRIBUTE.NONCE, this.nonce],
            ];
            const answer = await this.send(method, attributes, key);
            if (answer.error === 438 && answer.nonce && attempt === 0) {
                this.nonce = answer.nonce;
                continue;
            }
            return answer;
        }
    }

    allocate(credentials) {
        return this.request(METHOD.ALLOCATE, [[ATTRIBUTE.REQUESTED_TRANSPORT, Buffer.from([UDP_PROTOCOL, 0, 0, 0])]], credentials);
    }

    refresh(credentials, lifetimeSeconds = 600) {
        return this.request(METHOD.REFRESH, [[ATTRIBUTE.LIFETIME, uint32(lifetimeSeconds)]], credentials);
    }

    close() {
        this.socket.close();
    }
}
