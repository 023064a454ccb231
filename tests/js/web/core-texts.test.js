// The core's words live outside the wasm module: src/common/texts.def is the one table, the JS
// side's copy (web/generated/core-texts.js) is generated from it, and the module numbers its
// texts the same way. A sentence added to one and not the other fails here.
import { readFileSync } from 'node:fs';
import { GENERATED, generate, readTexts } from '../../../scripts/generate-texts.mjs';
import { CORE_TEXTS } from '../../../web/generated/core-texts.js';
import { coreError, errorFromPayload, wordsOf } from '../../../web/errors.js';
import { loadCore } from '../core/load-core.js';

test('web/generated/core-texts.js is what texts.def generates (run scripts/generate-texts.mjs)', () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(generate());
});

test('the wasm module numbers as many texts as the table holds', async () => {
    const core = await loadCore();
    expect(core.textCount()).toBe(CORE_TEXTS.length);
    expect(readTexts().length).toBe(CORE_TEXTS.length);
});

test('the wasm module holds none of the sentences', () => {
    const wasm = readFileSync(new URL('../../../build/wasm/bindings/rtcmc_core.wasm', import.meta.url)).toString('latin1');
    const inModule = CORE_TEXTS.filter((sentence) => sentence.length >= 12 && !/\{\d\}/.test(sentence) && wasm.includes(sentence));
    expect(inModule).toEqual([]);
});

test('texts are filled in order, parts read in a row, and refusals become coded Errors', async () => {
    const core = await loadCore();
    const typo = core.parseSession('audio + vidoe');
    expect(typo.ok).toBe(false);
    const error = coreError(typo);
    expect(error.code).toBe('UNKNOWN_SESSION');
    expect(error.message).toBe(
        "unknown session 'audio + vidoe': 'vidoe' is not a media kind; expected a combination of audio, video, screen and data, such as 'audio + video and data' or 'only-audio'",
    );
    const direction = core.parseDirection('sideways');
    expect(coreError(direction).message).toBe("unknown direction 'sideways': expected one-to-one, one-to-many, many-to-many or one-way");
    // An engine event's words; a missing argument stays visible rather than vanishing.
    const notInRoom = readTexts().findIndex((row) => row.id === 'NotInRoom');
    expect(errorFromPayload({ code: 'UNKNOWN_USER', text: [[notInRoom, 'bob', 'r1']], userid: 'me' })).toMatchObject({
        code: 'UNKNOWN_USER',
        message: "user 'bob' is not in room 'r1'",
        userid: 'me',
    });
    expect(wordsOf([[notInRoom, 'bob']])).toBe("user 'bob' is not in room '{1}'");
    expect(wordsOf('')).toBe('');
});
