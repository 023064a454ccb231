// The room class with no socket: the contract on the in-memory store.
import { describe } from '@jest/globals';
import { MemoryStore } from '../../../server/store-memory.js';
import { defineRoomsContract } from './support/rooms-contract.js';

describe('Rooms on the memory store', () => {
    defineRoomsContract(() => new MemoryStore());
});
