# Every emcc flag of the embind module, one per line with its reason (build flavours below).
set(WASM_FLAGS_COMMON
    -lembind                         # embind (3.1.6 deprecates --bind, emscripten#16087)
    -sMODULARIZE=1                   # a factory returning a promise: no page-wide Module global
    -sEXPORT_NAME=createRtcmcCore    # the factory's name in the UMD wrapper
    -sALLOW_MEMORY_GROWTH=1          # transfers of any size; the heap grows when needed
    -sENVIRONMENT=web,worker,node    # the browser, and Node for the Jest suite and benchmarks
    -sFILESYSTEM=0                   # the core does no file I/O
    -sINCOMING_MODULE_JS_API=[wasmBinary,instantiateWasm,onAbort,locateFile,print,printErr]
)
# Speed matters more than bytes for the hot transfer path; -O3 is measured against -Oz in
# bench/core (see the closing note of issue 2).
if(NOT DEFINED WASM_FLAGS_RELEASE)
    set(WASM_FLAGS_RELEASE -O3)
endif()
set(WASM_FLAGS_DEBUG -O1 -sASSERTIONS=2 -g)
