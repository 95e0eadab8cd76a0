#!/usr/bin/env bash
# Builds the optional native BLAS addon (native/build/labs_blas.node) with the
# system C compiler against the Node-API headers from npm (node-api-headers)
# and a system BLAS: OpenBLAS on Linux (Debian: libopenblas-dev), Accelerate
# on macOS. Prints one line saying what it built, or why it did not, and exits
# non-zero if it did not; the labs then run on plain wasm.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$here/build/labs_blas.node"
headers="$repo/node_modules/node-api-headers/include"
no() { echo "native BLAS: not built: $*"; rm -f "$out"; exit 1; }

[ -f "$headers/node_api.h" ] || no "the npm package node-api-headers is missing (run npm ci)"
cc="${CC:-}"
if [ -z "$cc" ]; then
  for c in cc gcc clang; do command -v "$c" >/dev/null && { cc="$c"; break; }; done
fi
[ -n "$cc" ] || no "no C compiler (cc, gcc or clang) on PATH"

case "$(uname -s)" in
  Darwin)
    blas="Accelerate"
    flags=(-bundle -undefined dynamic_lookup -framework Accelerate -DACCELERATE_NEW_LAPACK)
    ;;
  *)
    blas="OpenBLAS"
    # Debian/Ubuntu keep cblas.h in the multiarch include folder.
    inc=()
    for d in /usr/include/openblas /usr/include/"$(uname -m)"-linux-gnu; do [ -f "$d/cblas.h" ] && inc+=(-I"$d"); done
    flags=(-shared "${inc[@]}" -lopenblas)
    ;;
esac

mkdir -p "$here/build"
log="$here/build/build.log"
tmp="$here/build/labs_blas.tmp.node"
if ! "$cc" -O3 -fPIC -std=c11 -Wall -pthread -DNODE_GYP_MODULE_NAME=labs_blas -I"$headers" \
    "$here/labs_blas.c" -o "$tmp" "${flags[@]}" -lm >"$log" 2>&1; then
  rm -f "$tmp"
  no "$cc could not compile or link it against $blas ($(grep -m1 -iE 'error|cannot find' "$log" || tail -1 "$log")); on Debian/Ubuntu: apt-get install build-essential libopenblas-dev"
fi
# A build that does not load (wrong BLAS, missing symbols) counts as no build.
if ! node -e 'const m = require(process.argv[1]); if (typeof m.gemm !== "function") process.exit(1)' "$tmp" >>"$log" 2>&1; then
  rm -f "$tmp"
  no "it compiled but Node cannot load it ($(tail -1 "$log"))"
fi
mv "$tmp" "$out"
echo "native BLAS: built $out with $cc against $blas"
