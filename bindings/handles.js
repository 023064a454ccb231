// Module.Engine and Module.DataPlane, the objects the facade and the tests use, over the
// free functions of engine_bindings.cpp and data_plane_bindings.cpp that take an integer handle
// (bindings/handle_table.hpp). embind's class_ would bring about 2.3 KB (gzip) of generic class
// machinery into the glue for the same two classes (issue 11).
// Linked with --post-js: it runs inside the module's factory, where `Module` is the module.
// Closure compiles it with the glue (ADVANCED, not transpiled): every name JS reads is quoted.

/**
 * A constructor whose instances own one object of the core, reached by `_<prefix>Create`,
 * `_<prefix>Delete` and, for each method `m` (or `_m`), `_<prefix>M(handle, ...)`. Methods
 * listed in `dispatched[f]` share one function of two arguments after the handle: the i-th of
 * them is `_<prefix>F(handle, i, a, b)` (the C++ side numbers them in the same order; a missing
 * argument is 0, as embind wants every one).
 * @param {string} name
 * @param {string} prefix
 * @param {!Array<string>} methods
 * @param {!Object<string, !Array<string>>=} dispatched
 */
function rtcmcHandleClass(name, prefix, methods, dispatched) {
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
    Object.keys(dispatched || {}).forEach((shared) => {
        const functionName = nameOf(shared);
        dispatched[shared].forEach((method, op) => {
            Owner.prototype[method] = function (a, b) {
                return Module[functionName](handleOf(this), op, a === undefined ? 0 : a, b === undefined ? 0 : b);
            };
        });
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
// One number per call of `_dataPlaneCall` (bindings/data_plane_bindings.cpp, PlaneCall) and of
// `_dataPlaneFail`: the calls without a string share one embind function.
rtcmcHandleClass('DataPlane', 'dataPlane', ['attach', 'sendFrame', 'sendTransfer', 'receive', 'extraOf'], {
    'call': [
        'header',
        'arena',
        'buffered',
        'outgoingCount',
        'incomingCount',
        'detach',
        'channelOpened',
        'channelClosed',
        'pump',
        'resume',
        'filled',
        'release',
    ],
    'fail': ['readFailed', 'sendFailed'],
});
// The Janus client of a page in an SFU room (bindings/sfu_bindings.cpp): join(requestJson,
// now), text(op, text, now) and call(op, now) answer a JSON text; web/sfu/janus-link.js names
// the ops.
rtcmcHandleClass('SfuClient', 'sfuClient', ['join', 'text', 'call']);
