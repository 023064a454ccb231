// Module.Engine and Module.TransferManager, the objects the facade and the tests use, over the
// free functions of engine_bindings.cpp and transfer_bindings.cpp that take an integer handle
// (bindings/handle_table.hpp). embind's class_ would bring about 2.3 KB (gzip) of generic class
// machinery into the glue for the same two classes (issue 11).
// Linked with --post-js: it runs inside the module's factory, where `Module` is the module.
// Closure compiles it with the glue (ADVANCED, not transpiled): every name JS reads is quoted.

/**
 * A constructor whose instances own one object of the core, reached by `_<prefix>Create`,
 * `_<prefix>Delete` and, for each method `m` (or `_m`), `_<prefix>M(handle, ...)`.
 * @param {string} name
 * @param {string} prefix
 * @param {!Array<string>} methods
 */
function rtcmcHandleClass(name, prefix, methods) {
    const nameOf = (method) => '_' + prefix + method.charAt(0).toUpperCase() + method.slice(1);
    const prefixed = (method) => Module[nameOf(method)];
    /** @constructor */
    function Owner(...args) {
        this['coreHandle'] = prefixed('create')(...args);
    }
    // The handle to pass on; like embind's objects, one that was delete()d throws.
    function handleOf(owner) {
        if (!owner['coreHandle']) throw new Error(name + ' used after delete()');
        return owner['coreHandle'];
    }
    methods.forEach((method) => {
        const functionName = nameOf(method.replace(/^_/, ''));
        Owner.prototype[method] = function (...args) {
            return Module[functionName](handleOf(this), ...args);
        };
    });
    Owner.prototype['delete'] = function () {
        prefixed('delete')(handleOf(this));
        this['coreHandle'] = 0;
    };
    Owner.prototype['isDeleted'] = function () {
        return !this['coreHandle'];
    };
    // Objects not yet delete()d: the Jest suite checks that the facade leaks none.
    Owner['liveInstances'] = function () {
        return prefixed('live')();
    };
    Module[name] = Owner;
}

// The functions are registered when the wasm starts, after this runs: each is looked up by
// name when called.
rtcmcHandleClass('Engine', 'engine', [
    'configure',
    'state',
    'isOwner',
    'linkedPeers',
    'roomSnapshot',
    'handle',
]);
rtcmcHandleClass('TransferManager', 'transfer', [
    'inputView',
    'outputView',
    'chunkPayloadView',
    '_startOutgoing',
    '_writeChunk',
    '_writeChunkInPlace',
    '_writeEnd',
    '_abortOutgoing',
    '_receive',
    '_cancelIncoming',
    'nextChunk',
    'peerGone',
    'progress',
    'incomingMetadata',
    'outgoingMetadata',
    'outgoingCount',
    'incomingCount',
]);
