#!/usr/bin/env bash
# The test command (README, .ci/run): builds once, starts a throwaway PostgreSQL on loopback, runs
# every suite, and ends with one line "N passed, M failed". Exit 0 only when nothing failed.
#
#   ./test.sh               everything (installs Debian's postgresql and chromium
#                           first when they are missing and we are root)
#   ./test.sh --quick       Domain tests and Web tests on SQLite only: no PostgreSQL, no browser
#   ./test.sh --no-install  never run apt-get; fail with what to install instead (npm ci for
#                           axe-core still runs: it only writes inside the repo)
#
# Suites (each writes .test-out/<name>.trx and .test-out/<name>.log):
#   domain        tests/Guichet.Domain.Tests
#   web-sqlite    tests/Guichet.Web.Tests    GUICHET_TEST_DB=Sqlite
#   web-postgres  tests/Guichet.Web.Tests    GUICHET_TEST_DB=Postgres  GUICHET_TEST_PG=<conn string>
#   cluster       tests/Guichet.Cluster.Tests GUICHET_TEST_PG GUICHET_WEB_DLL (real app processes: two nodes on one
#                 PostgreSQL, SIGKILL, SQLite kill, backup and restore; long variants: bench scenario `nodes`)
#   browser       tests/Guichet.Browser.Tests CHROMIUM_PATH AXE_PATH GUICHET_WEB_DLL GUICHET_WEB_CONTENT_ROOT
# Settings: PG_TEST_PORT (first port tried, default 55432); GUICHET_HANG_TIMEOUT (default 5m: a
# test host silent that long, no test starting or ending, is killed and its suite fails).
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"

QUICK=0
INSTALL=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-install) INSTALL=0 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *)
      echo "test.sh: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DEBIAN_FRONTEND=noninteractive
HANG_TIMEOUT="${GUICHET_HANG_TIMEOUT:-5m}"
OUT="$ROOT/.test-out"
BROWSER_DIR="$ROOT/tests/Guichet.Browser.Tests"
AXE_JS="$BROWSER_DIR/node_modules/axe-core/axe.min.js"
WEB_DLL="$ROOT/src/Guichet.Web/bin/Release/net10.0/Guichet.Web.dll"

# shellcheck source=scripts/pg-test.sh
source "$ROOT/scripts/pg-test.sh"

T0=$SECONDS
STEP_T=$SECONDS
TIMINGS=()
say() { printf '==> [%4ds] %s\n' "$((SECONDS - T0))" "$*"; }
step_done() { # $1: step name
  TIMINGS+=("$1|$((SECONDS - STEP_T))")
  STEP_T=$SECONDS
}
die() {
  printf 'test.sh: %s\n' "$*" >&2
  exit 1
}

cleanup() { pg_test_stop; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$OUT"
mkdir -p "$OUT"
say "Guichet tests ($([[ $QUICK == 1 ]] && echo quick || echo full) run) in $ROOT"

# ---------------------------------------------------------------- 1. what the machine lacks
command -v dotnet >/dev/null || die "the .NET 10 SDK is missing (dotnet is not on PATH)"
APT_PKGS=()
if [[ $QUICK == 0 ]]; then
  PG_BIN="$(pg_test_bindir)"
  if [[ -z "$PG_BIN" ]]; then
    APT_PKGS+=(postgresql)
  else
    pg_ver="$(basename "$(dirname "$PG_BIN")")"
    [[ -f "/usr/share/postgresql/$pg_ver/extension/btree_gist.control" ]] || APT_PKGS+=(postgresql-contrib)
    [[ -x "$PG_BIN/psql" ]] || APT_PKGS+=("postgresql-client-$pg_ver")
  fi
  command -v chromium >/dev/null || APT_PKGS+=(chromium)
  # Voice prompts (Features/Voice): French speech synthesis and conversion to 8 kHz telephone formats.
  command -v espeak-ng >/dev/null || APT_PKGS+=(espeak-ng)
  command -v sox >/dev/null || APT_PKGS+=(sox)
  # IMAP polling of a town hall's mailbox (Features/Requests/ImapPolling): the web tests run a real Dovecot.
  [[ -x /usr/sbin/dovecot ]] || APT_PKGS+=(dovecot-imapd)
  if [[ ! -f "$AXE_JS" ]] && ! command -v npm >/dev/null; then APT_PKGS+=(npm); fi
fi
if ((${#APT_PKGS[@]} > 0)); then
  if [[ $INSTALL == 1 && "$(id -u)" == 0 ]]; then
    say "installing Debian packages: ${APT_PKGS[*]}"
    apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null || say "warning: apt-get update failed; trying the install anyway"
    apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${APT_PKGS[@]}" </dev/null
  else
    why="not root"
    [[ $INSTALL == 0 ]] && why="--no-install"
    die "missing: ${APT_PKGS[*]} ($why). Install them with:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${APT_PKGS[*]}
or run ./test.sh --quick (no PostgreSQL, no browser)."
  fi
  # Installing dovecot-imapd may start the system's Dovecot on 143/993; the tests run their own, on a free port.
  if [[ " ${APT_PKGS[*]} " == *" dovecot-imapd "* ]] && pgrep -x dovecot >/dev/null; then
    say "stopping the Dovecot that the dovecot-imapd package started"
    (command -v systemctl >/dev/null && systemctl stop dovecot) || service dovecot stop || pkill -x dovecot || true
  fi
  # Installing Debian's postgresql starts its own "main" cluster on 5432; we use none of it, and no
  # server may outlive the run.
  if [[ " ${APT_PKGS[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r c_ver c_name _ c_status _; do
      if [[ "$c_status" == online* ]]; then
        say "stopping the cluster $c_ver/$c_name that the postgresql package started"
        pg_ctlcluster "$c_ver" "$c_name" stop || true
      fi
    done
  fi
fi
if [[ $QUICK == 0 ]]; then
  PG_BIN="$(pg_test_bindir)"
  [[ -n "$PG_BIN" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
  command -v chromium >/dev/null || die "chromium not found on PATH"
  CHROMIUM="$(command -v chromium)"
  if [[ ! -f "$AXE_JS" ]]; then
    say "installing axe-core with npm in tests/Guichet.Browser.Tests"
    if [[ -f "$BROWSER_DIR/package-lock.json" ]]; then
      (cd "$BROWSER_DIR" && npm ci --ignore-scripts --no-audit --no-fund </dev/null)
    else
      (cd "$BROWSER_DIR" && npm install --ignore-scripts --no-audit --no-fund </dev/null)
    fi
    [[ -f "$AXE_JS" ]] || die "npm did not produce $AXE_JS"
  fi
  say "PostgreSQL: $("$PG_BIN/postgres" --version) ($PG_BIN)"
  say "Chromium: $("$CHROMIUM" --version 2>/dev/null || echo '?') ($CHROMIUM)"
fi
say ".NET SDK: $(dotnet --version)"
step_done "install checks"

# ---------------------------------------------------------------- 2. build once
BUILD_ARGS=(-c Release --nologo)
# On CI, no build server may outlive the run (MSBuild nodes, the compiler server).
[[ "${CI:-}" == true ]] && BUILD_ARGS+=(--disable-build-servers)
say "dotnet build Guichet.slnx ${BUILD_ARGS[*]}"
BUILD_OK=1
if ! dotnet build Guichet.slnx "${BUILD_ARGS[@]}" </dev/null 2>&1 | tee "$OUT/build.log"; then
  BUILD_OK=0
fi
step_done "build"

# ---------------------------------------------------------------- 3. PostgreSQL
PG_OK=0
if [[ $QUICK == 0 && $BUILD_OK == 1 ]]; then
  say "starting a throwaway PostgreSQL"
  if pg_test_start; then
    PG_OK=1
    say "GUICHET_TEST_PG=$GUICHET_TEST_PG"
  else
    say "PostgreSQL did not start: the PostgreSQL suite counts as failed"
  fi
  step_done "PostgreSQL start"
fi

# ---------------------------------------------------------------- 4. suites
SUITES=()     # names, in order
declare -A S_PASS S_FAIL S_SKIP S_SECS S_NOTE S_STATE

# Reads <Counters .../> of a TRX file into the S_* entries of suite $1.
read_trx() {
  local name="$1" trx="$2" counters v
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1 || true)"
  attr() {
    v="$(sed -n "s/.* $1=\"\\([0-9]*\\)\".*/\\1/p" <<<"$counters")"
    echo "${v:-0}"
  }
  S_PASS[$name]=$(attr passed)
  S_FAIL[$name]=$(($(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  # xunit's skipped tests show up as total - executed (notExecuted stays 0).
  local not_run=$(($(attr total) - $(attr executed)))
  S_SKIP[$name]=$(attr notExecuted)
  ((not_run <= S_SKIP[$name])) || S_SKIP[$name]=$not_run
  [[ -n "$counters" ]]
}

not_run() { # name reason
  SUITES+=("$1")
  S_PASS[$1]=0 S_FAIL[$1]=1 S_SKIP[$1]=0 S_SECS[$1]=0 S_STATE[$1]="NOT RUN" S_NOTE[$1]="$2"
}

skipped() { # name reason: left out on purpose (--quick); counts nothing
  SUITES+=("$1")
  S_PASS[$1]=0 S_FAIL[$1]=0 S_SKIP[$1]=0 S_SECS[$1]=0 S_STATE[$1]="skipped" S_NOTE[$1]="$2"
}

# run_suite NAME PROJECT [VAR=value ...]
run_suite() {
  local name="$1" project="$2" t=$SECONDS rc
  shift 2
  SUITES+=("$name")
  local trx="$OUT/$name.trx" log="$OUT/$name.log"
  say "suite $name: ${*:+$* }dotnet test $project --no-build -c Release"
  set +e
  env "$@" dotnet test "$project" --no-build -c Release --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$OUT" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none </dev/null 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  S_SECS[$name]=$((SECONDS - t))
  S_NOTE[$name]=""
  if [[ -f "$trx" ]] && read_trx "$name" "$trx"; then
    :
  else
    S_PASS[$name]=0 S_FAIL[$name]=0 S_SKIP[$name]=0
  fi
  local total=$((S_PASS[$name] + S_FAIL[$name] + S_SKIP[$name]))
  if ((rc != 0)); then
    S_NOTE[$name]="dotnet test exit $rc"
    [[ -f "$trx" ]] || S_NOTE[$name]+=", no TRX"
    # A crash is never silent: a failing exit with nothing failed on record counts as one failure.
    ((S_FAIL[$name] > 0)) || S_FAIL[$name]=1
  elif ((total == 0)); then
    S_NOTE[$name]="no tests"
  fi
  if ((S_FAIL[$name] > 0)); then S_STATE[$name]="FAILED"; else S_STATE[$name]="ok"; fi
  say "suite $name: ${S_STATE[$name]} (${S_PASS[$name]} passed, ${S_FAIL[$name]} failed, ${S_SKIP[$name]} skipped, ${S_SECS[$name]}s)"
}

if [[ $BUILD_OK == 1 ]]; then
  run_suite domain tests/Guichet.Domain.Tests
  step_done "suite domain"
  run_suite web-sqlite tests/Guichet.Web.Tests GUICHET_TEST_DB=Sqlite
  step_done "suite web-sqlite"
  if [[ $QUICK == 1 ]]; then
    skipped web-postgres "--quick"
  elif [[ $PG_OK == 1 ]]; then
    run_suite web-postgres tests/Guichet.Web.Tests GUICHET_TEST_DB=Postgres "GUICHET_TEST_PG=$GUICHET_TEST_PG"
    step_done "suite web-postgres"
  else
    not_run web-postgres "PostgreSQL did not start"
  fi
  if [[ $QUICK == 1 ]]; then
    skipped cluster "--quick"
  elif [[ $PG_OK != 1 ]]; then
    not_run cluster "PostgreSQL did not start"
  elif [[ ! -f "$WEB_DLL" ]]; then
    not_run cluster "$WEB_DLL missing after the build"
  else
    run_suite cluster tests/Guichet.Cluster.Tests "GUICHET_TEST_PG=$GUICHET_TEST_PG" "GUICHET_WEB_DLL=$WEB_DLL"
    step_done "suite cluster"
  fi
  if [[ $QUICK == 1 ]]; then
    skipped browser "--quick"
  elif [[ ! -f "$WEB_DLL" ]]; then
    not_run browser "$WEB_DLL missing after the build"
  else
    run_suite browser tests/Guichet.Browser.Tests "CHROMIUM_PATH=$CHROMIUM" "AXE_PATH=$AXE_JS" \
      "GUICHET_WEB_DLL=$WEB_DLL" "GUICHET_WEB_CONTENT_ROOT=$ROOT/src/Guichet.Web"
    step_done "suite browser"
  fi
else
  not_run build "dotnet build failed (see .test-out/build.log)"
fi

# ---------------------------------------------------------------- 5. stop, sum up
if [[ $PG_OK == 1 ]]; then
  pg_test_stop
  step_done "PostgreSQL stop"
fi

PASSED=0
FAILED=0
echo
printf '%-14s %-8s %7s %7s %7s %6s  %s\n' suite result passed failed skipped secs note
for s in "${SUITES[@]}"; do
  printf '%-14s %-8s %7d %7d %7d %6d  %s\n' "$s" "${S_STATE[$s]}" "${S_PASS[$s]}" "${S_FAIL[$s]}" \
    "${S_SKIP[$s]}" "${S_SECS[$s]}" "${S_NOTE[$s]}"
  PASSED=$((PASSED + S_PASS[$s]))
  FAILED=$((FAILED + S_FAIL[$s]))
done
echo
printf 'timings:'
for t in "${TIMINGS[@]}"; do printf ' %s %ss;' "${t%%|*}" "${t##*|}"; done
printf ' total %ss\n' "$((SECONDS - T0))"
echo "TRX files and logs: .test-out/"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
