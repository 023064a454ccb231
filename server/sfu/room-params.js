// The Janus side of an SFU room, drawn once when the room opens and kept in its record
// (rooms.js), so that every node of a Redis cluster maps the room to the same Janus room
// with the same credentials. Never in a view: the pin and the secret stay on the server, and
// the broker writes them into the frames that need them (frame-rules.js, janus-admin.js).
//   room        the videoroom number: random, so a closed and reopened room never meets its
//               old Janus room, and one room's number says nothing about another's. Janus
//               takes 64-bit numbers; below 2^48 they stay exact in JavaScript and in JSON.
//   pin         required by Janus to join (publisher or subscriber); the broker adds it
//   secret      required by Janus to edit or destroy the room, or to record in it
//   bitrate     the room's video cap, bits per second (open-room sfuBitrate, else the setting)
//   publishers  Janus's limit on publishers at once: the room's participants, bounded

import { randomBytes, randomInt } from 'node:crypto';
import { DEFAULT_MAX_PARTICIPANTS } from '../rooms.js';

const ROOM_NUMBER_LIMIT = 2 ** 48 - 1; // randomInt's largest range

export function drawRoomParams(request, { defaultBitrate, maxPublishers }) {
    // maxParticipantsAllowed counts the participants besides the owner.
    const participants = (request.maxParticipantsAllowed ?? DEFAULT_MAX_PARTICIPANTS) + 1;
    return {
        room: randomInt(1, ROOM_NUMBER_LIMIT),
        pin: randomBytes(18).toString('base64url'),
        secret: randomBytes(24).toString('base64url'),
        bitrate: request.sfuBitrate ?? defaultBitrate,
        publishers: Math.min(participants, maxPublishers),
    };
}
