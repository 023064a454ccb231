# Wasm features past the MVP that every browser the bundle runs in has: web/loader.js needs
# DecompressionStream('deflate-raw') (Chrome 80, Firefox 113, Safari 16.4), which came years
# after these (Chrome 75, Firefox 79, Safari 15), and Node 20 runs them for the tests. Bulk
# memory turns memcpy/memset into memory.copy/fill, non-trapping conversions drop the range
# checks around each double-to-integer cast, sign extension replaces shift pairs
# (-1.7 / -0.7 KB, -0.2 KB gzip of the page, issue 11). Compile and link both need them.
set(WASM_FEATURES -mbulk-memory -mnontrapping-fptoint -msign-ext)
# Compile flags of every C++ file in the wasm build (core, bindings, tests), applied by the
# top-level CMakeLists.txt. Sizes are of the release rtcmc_core_web.wasm, raw / gzip -9.
set(WASM_COMPILE_FLAGS
    -fno-exceptions                  # errors are values; nlohmann has JSON_NOEXCEPTION (-0.7 / -0.4 KB)
    -fno-rtti                        # no typeid or dynamic_cast anywhere (-3.8 / -1.2 KB)
    -DEMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0 # what embind needs to build without RTTI
    ${WASM_FEATURES}
)
# Release replaces CMake's default -O3; CMake passes these to every link too.
set(WASM_COMPILE_FLAGS_RELEASE
    -Oz                              # size first; see the hot-path note below (-178 / -53 KB)
    -sINLINING_LIMIT=0               # undo the -fno-inline-functions that emcc adds for -Oz:
                                     # clang's own -Oz inliner removes thousands of one-line
                                     # accessor calls (-5.7 / -4.9 KB; must follow -Oz)
    -flto                            # whole-program inlining and dead code removal (-23 / -10 KB)
)
# Every emcc flag of the embind module, one per line with its reason (build flavours below).
set(WASM_FLAGS_COMMON
    # embind: what -lembind links (3.1.6 deprecates --bind, emscripten#16087) but its C++ half,
    # libembind, whose registration of every builtin type (std::wstring, BigInt, ...) brings
    # their JS converters along; bindings/builtin_types.cpp registers the ones we use
    # (-1.0 KB gzip of the page, with the shared handle table). -lembind would link libembind
    # as a whole archive (duplicate symbols).
    "SHELL:--js-library ${EMSCRIPTEN_ROOT_PATH}/src/embind/embind.js"
    "SHELL:--js-library ${EMSCRIPTEN_ROOT_PATH}/src/embind/emval.js"
    -sEXPORTED_FUNCTIONS=_malloc,_free # embind's JS allocates strings in the heap
    -sMODULARIZE=1                   # a factory returning a promise: no page-wide Module global
    -sEXPORT_NAME=createRtcmcCore    # the factory's name in the UMD wrapper
    -sALLOW_MEMORY_GROWTH=1          # transfers of any size; the heap grows when needed
    -sENVIRONMENT=web,worker,node    # the browser, and Node for the Jest suite and benchmarks
    -sFILESYSTEM=0                   # the core does no file I/O
    -fno-exceptions                  # link the no-exception libc++/libc++abi like we compile
    -fno-rtti                        # and embind's build without RTTI (-0.9 KB)
    -sMALLOC=emmalloc                # smaller than dlmalloc (-7.7 / -3 KB); the transfer bench is unchanged
    -sINCOMING_MODULE_JS_API=[wasmBinary,instantiateWasm,onAbort,locateFile,print,printErr]
    ${WASM_FEATURES}                 # as compiled (above)
)
# The release build optimises for size, compile and link (-Oz), with the transfer hot path as
# fast as it was at -O3 (bench/transfer-wasm.js: 3.5-4.5 GB/s at 64 KiB packets). With the
# flags above and bindings/small_printf.cpp, rtcmc_core_web.wasm is 193 KB (85 KB gzip -9),
# from 428 KB (160 KB) at -O3. Two traps of emcc 3.1.6's -Oz (and -Os):
#  - it sets INLINING_LIMIT=1, which compiles with -fno-inline-functions: clang then inlines
#    nothing but always_inline functions, and a later -O3 does not undo it (-sINLINING_LIMIT=0
#    after -Oz does, see above). The XXH64 loops' helpers stay always_inline
#    (src/transfer/little_endian.hpp, xxhash64.cpp): as calls, one per 8-byte lane, the bench
#    fell to 0.4 GB/s;
#  - linking at -Oz selects the size-optimised libc, whose memcpy/memset copy byte by byte:
#    large copies stay off the hot path (copyAndXxh64 copies and hashes in one pass).
# Closure minifies the JS glue (26 KB instead of 58 KB); it needs EM_CLOSURE_COMPILER
# (scripts/build.sh sets it) and quoted keys in options objects.
# -sDYNAMIC_EXECUTION=0 (-0.5 KB gzip of glue) makes embind calls slower (16 KiB packets lost
# up to a third in bench/transfer-wasm.js): only the web build uses it (bindings/CMakeLists.txt),
# where the data channel, not the call, bounds a transfer. Tried and left out:
# -sSUPPORT_ERRNO=0 and -sSUPPORT_LONGJMP=0 (nothing to remove).
if(NOT DEFINED WASM_FLAGS_RELEASE)
    set(WASM_FLAGS_RELEASE
        -Oz                          # see above
        -sBINARYEN_EXTRA_PASSES=-Oz  # a second binaryen -Oz still finds some (-0.8 / -0.8 KB;
                                     # a third here changes nothing, issue 11)
        --closure 1                  # minified JS glue, see above
    )
endif()
set(WASM_FLAGS_DEBUG -O1 -sASSERTIONS=2 -g)
