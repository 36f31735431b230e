#!/usr/bin/env bash
# Fails when a file includes something its layer may not (docs/ARCHITECTURE.md):
#   core  -> standard library, date/, core/
#   store -> core/, store/, sqlite3, libpq
#   app   -> core/, store/, app/ (+ libraries)
#   api   -> core/, store/, app/, api/ (+ libraries; Beast only in http_server.cpp)
#   cli   -> anything but agent/, exe/, tests/
#   wire  -> core/, wire/ (the agent protocol's JSON; docs/adr/0009)
#   agent -> core/, wire/, agent/ (+ libraries)
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
status=0
fail() { echo "layering: $1"; status=1; }

std_headers=" algorithm any array atomic barrier bit bitset cassert cctype cerrno cfloat charconv chrono cinttypes climits cmath compare complex concepts condition_variable coroutine csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cwchar cwctype deque exception execution expected filesystem format forward_list functional initializer_list iomanip ios iosfwd iostream istream iterator latch limits list locale map memory memory_resource mutex new numbers numeric optional ostream queue random ranges ratio regex scoped_allocator semaphore set shared_mutex source_location span sstream stack stdexcept stop_token streambuf string string_view syncstream system_error thread tuple type_traits typeindex typeinfo unordered_map unordered_set utility valarray variant vector version "

check_layer() {  # layer, allowed quoted prefixes (regex), allow_system (yes/no)
  local layer=$1 allowed=$2 system=$3
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/^[^#]*#include[[:space:]]*//' <<<"${line#*:}")
    case "$inc" in
      \"*)
        path=${inc#\"}; path=${path%%\"*}
        [[ "$path" =~ ^($allowed)/ ]] || fail "$file includes \"$path\" (not allowed in $layer/)"
        ;;
      \<*)
        path=${inc#<}; path=${path%%>*}
        if [ "$system" = std ]; then
          if [[ "$path" == date/* ]]; then continue; fi
          [[ "$std_headers" == *" $path "* ]] || fail "$file includes <$path> (core/ allows only the standard library and date/tz)"
        fi
        ;;
    esac
  done < <(grep -HE '^[[:space:]]*#[[:space:]]*include' "$layer"/*.h "$layer"/*.cpp "$layer"/*/*.h "$layer"/*/*.cpp 2>/dev/null | grep -v '_test\.cpp:')
}

check_layer core 'core' std
check_layer store 'core|store' any
check_layer wire 'core|wire' any
check_layer app 'core|store|app|wire' any
check_layer api 'core|store|app|api|wire' any
check_layer cli 'core|store|app|api|cli|wire' any
[ -d agent ] && check_layer agent 'core|wire|agent' any

# Boost.Beast stays inside api/http_server.cpp.
while IFS= read -r file; do
  [ "$file" = "api/http_server.cpp" ] || fail "$file includes Boost.Beast/Asio (only api/http_server.cpp may)"
done < <(grep -lE '#include[[:space:]]*<boost/(beast|asio)' core/* store/* store/*/* app/* api/* cli/* 2>/dev/null)

# Self-test: the checker must catch a violation.
probe=$(mktemp -d)
mkdir -p "$probe/core"
echo '#include "store/store.h"' > "$probe/core/bad.h"
echo '#include <boost/asio.hpp>' > "$probe/core/bad2.h"
caught=$( (cd "$probe" && status=0 && check_layer core 'core' std && echo "$status") 2>&1 | grep -c 'layering:' )
rm -rf "$probe"
[ "$caught" -ge 2 ] || { echo "layering: the checker failed to catch planted violations"; status=1; }

[ $status -eq 0 ] && echo "layering: ok"
exit $status
