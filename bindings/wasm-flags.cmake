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
# Speed matters more than bytes for the hot transfer path: -O3 moves 3.5-3.9 GB/s through
# embind at 64 KiB packets, -Oz (246 KB instead of 425 KB of wasm) only 0.4-0.8 GB/s
# (bench/transfer-wasm.js). Closure minifies the JS glue (27 KB instead of 58 KB); it needs
# EM_CLOSURE_COMPILER (scripts/build.sh sets it) and quoted keys in options objects.
if(NOT DEFINED WASM_FLAGS_RELEASE)
    set(WASM_FLAGS_RELEASE -O3 --closure 1)
endif()
set(WASM_FLAGS_DEBUG -O1 -sASSERTIONS=2 -g)
