// The Engine.IO v4 / Socket.IO v5 text encodings of web/signaling/socketio-wire.js: examples
// from the protocol documents in both directions, and malformed input refused without a throw.
import { describe, expect, test } from '@jest/globals';
import {
    decodeEngine,
    decodeSocket,
    encodeEngine,
    encodeSocket,
    ENGINE,
    parseHandshake,
    SOCKET,
} from '../../../web/signaling/socketio-wire.js';

describe('Engine.IO packets', () => {
    test.each([
        [ENGINE.OPEN, '{"sid":"abc"}', '0{"sid":"abc"}'],
        [ENGINE.CLOSE, '', '1'],
        [ENGINE.PING, '', '2'],
        [ENGINE.PONG, 'probe', '3probe'],
        [ENGINE.MESSAGE, 'hello', '4hello'],
        [ENGINE.NOOP, '', '6'],
    ])('type %s with data %j is the frame %j, and back', (type, data, frame) => {
        expect(encodeEngine(type, data)).toBe(frame);
        expect(decodeEngine(frame)).toEqual({ type, data });
    });

    test.each([[''], ['7'], ['x42'], [null], [undefined], [42], [new Uint8Array([4, 1])]])('%p is not an engine packet', (frame) => {
        expect(decodeEngine(frame)).toBeNull();
    });

    test('the handshake gives the session and heartbeat figures', () => {
        const data = '{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
        expect(parseHandshake(data)).toEqual({ sid: 'lv_VI97HAXpY6yYWAAAC', pingInterval: 25000, pingTimeout: 20000 });
    });

    test.each([
        ['not json'],
        ['[]'],
        ['null'],
        ['{"sid":1,"pingInterval":25000,"pingTimeout":20000}'],
        ['{"sid":"a","pingInterval":"25000","pingTimeout":20000}'],
        ['{"sid":"a","pingInterval":25000,"pingTimeout":-1}'],
        ['{"sid":"a","pingInterval":25000}'],
    ])('a handshake of %j is refused', (data) => {
        expect(parseHandshake(data)).toBeNull();
    });
});

describe('Socket.IO packets', () => {
    // [what, packet, text] from the Socket.IO v5 document's examples.
    const examples = [
        ['CONNECT to the main namespace with auth', { type: SOCKET.CONNECT, data: { token: '123' } }, '0{"token":"123"}'],
        ['CONNECT without payload', { type: SOCKET.CONNECT }, '0'],
        ['CONNECT to a custom namespace', { type: SOCKET.CONNECT, nsp: '/admin', data: { token: '123' } }, '0/admin,{"token":"123"}'],
        ['DISCONNECT', { type: SOCKET.DISCONNECT }, '1'],
        ['DISCONNECT from a namespace', { type: SOCKET.DISCONNECT, nsp: '/admin' }, '1/admin,'],
        ['EVENT', { type: SOCKET.EVENT, data: ['foo'] }, '2["foo"]'],
        ['EVENT with arguments', { type: SOCKET.EVENT, data: ['relay', { roomid: 'r', data: 'x' }] }, '2["relay",{"roomid":"r","data":"x"}]'],
        ['EVENT asking for an ack', { type: SOCKET.EVENT, id: 12, data: ['foo', 'bar'] }, '212["foo","bar"]'],
        ['EVENT in a namespace with an ack', { type: SOCKET.EVENT, nsp: '/admin', id: 456, data: ['project:delete', 123] }, '2/admin,456["project:delete",123]'],
        ['ACK', { type: SOCKET.ACK, id: 12, data: ['bar'] }, '312["bar"]'],
        ['ACK in a namespace', { type: SOCKET.ACK, nsp: '/admin', id: 456, data: [] }, '3/admin,456[]'],
        ['CONNECT_ERROR', { type: SOCKET.CONNECT_ERROR, data: { message: 'Not authorized' } }, '4{"message":"Not authorized"}'],
    ];

    test.each(examples)('%s encodes', (what, packet, text) => {
        expect(encodeSocket(packet)).toBe(text);
    });

    test.each(examples.filter(([what]) => what !== 'CONNECT without payload'))('%s decodes', (what, packet, text) => {
        expect(decodeSocket(text)).toEqual({ nsp: '/', id: undefined, data: undefined, ...packet });
    });

    test('the server answer to CONNECT, and its refusal with our error data', () => {
        expect(decodeSocket('0{"sid":"wZX3oN0bSVIhsaknAAAI"}')).toEqual({
            type: SOCKET.CONNECT,
            nsp: '/',
            id: undefined,
            data: { sid: 'wZX3oN0bSVIhsaknAAAI' },
        });
        const refusal = '4{"message":"USERID_TAKEN","data":{"code":"USERID_TAKEN","message":"userid \\"a\\" is already connected"}}';
        expect(decodeSocket(refusal).data).toEqual({
            message: 'USERID_TAKEN',
            data: { code: 'USERID_TAKEN', message: 'userid "a" is already connected' },
        });
    });

    test('strings with commas, digits and unicode survive the round trip', () => {
        const packet = { type: SOCKET.EVENT, id: 0, data: ['relay', '12,/x,["y"]', 'ünï ✓ \u2028'] };
        expect(decodeSocket(encodeSocket(packet))).toEqual({ nsp: '/', ...packet });
    });

    test.each([
        ['empty', ''],
        ['unknown type', '9["x"]'],
        ['binary EVENT (never asked for)', '51-["x",{"_placeholder":true,"num":0}]'],
        ['binary ACK', '61-1[{"_placeholder":true,"num":0}]'],
        ['not a digit', 'x["x"]'],
        ['broken JSON', '2["x"'],
        ['trailing garbage', '2["x"]]'],
        ['EVENT without a name', '2[]'],
        ['EVENT whose name is not a string', '2[1,2]'],
        ['EVENT payload not an array', '2{"a":1}'],
        ['ACK without id', '3["x"]'],
        ['ACK payload not an array', '31{"a":1}'],
        ['CONNECT with an array', '0["x"]'],
        ['CONNECT with an id', '01{"sid":"x"}'],
        ['DISCONNECT with data', '1{"a":1}'],
        ['namespace without comma', '2/admin["x"]'],
        ['id too large', '299999999999999999999["x"]'],
        ['not a string', 42],
        ['null', null],
    ])('refused without throwing: %s', (what, text) => {
        expect(decodeSocket(text)).toBeNull();
    });
});
