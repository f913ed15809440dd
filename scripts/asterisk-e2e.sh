#!/usr/bin/env bash
# Opt-in end-to-end voice test support: a real Asterisk 16.28 (Debian bullseye-security, EOL, used only as a test
# double) and SIPp (bookworm package sip-tester). See README "Voice server" and docs/../reference telephony §7.
#
#   scripts/asterisk-e2e.sh fetch                      download (once) and unpack Asterisk, install sip-tester if missing
#   scripts/asterisk-e2e.sh start <agi-port> <org> [prompts-dir]
#                                                      write the config into a scratch dir, start Asterisk (foreground
#                                                      process, backgrounded here), wait until it is fully booted;
#                                                      prints the scratch dir
#   scripts/asterisk-e2e.sh stop <scratch-dir>         "core stop now", then the pid if it lingers
#   scripts/asterisk-e2e.sh cli <scratch-dir> <command> one CLI command, e.g. "pjsip show endpoints"
#
# Nothing is written under /etc/apt: the private apt configuration (own sources, lists, cache) lives in the cache
# directory, .asterisk-e2e/ at the repository root by default (ASTERISK_E2E_CACHE overrides it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${ASTERISK_E2E_CACHE:-$root/.asterisk-e2e}"
sysroot="$cache/root"
sip_port="${ASTERISK_E2E_SIP_PORT:-5070}"

lib_path() {
  echo "$sysroot/usr/lib/x86_64-linux-gnu:$sysroot/usr/lib:$sysroot/lib/x86_64-linux-gnu:$sysroot/usr/lib/x86_64-linux-gnu/asterisk"
}

fetch() {
  if [[ -x "$sysroot/usr/sbin/asterisk" ]]; then
    echo "asterisk already unpacked in $sysroot" >&2
  else
    local apt="$cache/apt"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/preferences.d" "$apt/etc/sources.list.d" "$cache/debs"
    cat > "$apt/etc/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-bullseye-stable.gpg] http://deb.debian.org/debian bullseye main
deb [signed-by=/usr/share/keyrings/debian-archive-bullseye-security-automatic.gpg] http://deb.debian.org/debian-security bullseye-security main
EOF
    # Every path apt uses points into the cache; the system's own configuration is not read (Dir::Etc) nor changed.
    local opts=(-o "Dir::Etc=$apt/etc" -o "Dir::Etc::sourcelist=$apt/etc/sources.list" -o "Dir::Etc::sourceparts=$apt/etc/sources.list.d"
      -o "Dir::Etc::preferencesparts=$apt/etc/preferences.d" -o "Dir::State=$apt" -o "Dir::State::lists=$apt/lists"
      -o "Dir::State::status=/var/lib/dpkg/status" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
      -o "APT::Architecture=amd64" -o "APT::Architectures=amd64" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
    apt-get "${opts[@]}" update >&2
    # The system's dpkg status is only read: the simulation lists what this machine lacks (bookworm libraries,
    # plus libssl1.1 and libldap-2.4-2 from bullseye); the rest is loaded from the system's own libraries.
    local pkgs
    pkgs=$(apt-get "${opts[@]}" install -s -y --no-install-recommends asterisk/bullseye-security \
      asterisk-modules/bullseye-security asterisk-config/bullseye-security 2>/dev/null | awk '/^Inst /{print $2}' || true)
    [[ -n "$pkgs" ]] || { echo "could not resolve asterisk's dependencies" >&2; exit 1; }
    # Asterisk's own packages by release (bookworm has none); the libraries at their candidate version.
    local names=()
    for p in $pkgs; do case "$p" in asterisk|asterisk-modules|asterisk-config) names+=("$p/bullseye-security") ;; *) names+=("$p") ;; esac; done
    (cd "$cache/debs" && apt-get "${opts[@]}" download "${names[@]}" >&2)
    mkdir -p "$sysroot"
    for deb in "$cache/debs"/*.deb; do dpkg -x "$deb" "$sysroot"; done
    echo "$(ls "$cache/debs" | wc -l) packages unpacked in $sysroot" >&2
  fi
  if ! command -v sipp >/dev/null; then
    # A fresh machine has no package lists yet.
    apt-get install -y sip-tester >&2 || { apt-get update >&2 && apt-get install -y sip-tester >&2; }
  fi
}

start() {
  local agi_port="$1" org="$2"
  [[ -x "$sysroot/usr/sbin/asterisk" ]] || fetch
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/asterisk-e2e.XXXXXX")"
  mkdir -p "$dir/etc" "$dir/run" "$dir/log" "$dir/spool" "$dir/lib/keys" "$dir/db"
  # The XML documentation must be there: without it Asterisk 16 refuses to register config options and exits.
  ln -s "$sysroot/usr/share/asterisk/documentation" "$dir/lib/documentation"
  # GET DATA plays silence/1 (the packaged sounds are only reachable through an alternatives link): one second of
  # µ-law silence, for the channel's language (fr), the fallback (en) and no language.
  local lang
  for lang in "" fr en; do
    mkdir -p "$dir/lib/sounds/$lang/silence"
    head -c 8000 /dev/zero | tr '\0' '\377' > "$dir/lib/sounds/$lang/silence/1.ulaw"
  done
  cat > "$dir/etc/asterisk.conf" <<EOF
[directories]
astetcdir => $dir/etc
astmoddir => $sysroot/usr/lib/asterisk/modules
astvarlibdir => $dir/lib
astdbdir => $dir/db
astkeydir => $dir/lib/keys
astdatadir => $dir/lib
astagidir => $dir/lib/agi-bin
astspooldir => $dir/spool
astrundir => $dir/run
astlogdir => $dir/log
astsbindir => $sysroot/usr/sbin

[options]
verbose = 3
nofork = yes
EOF
  cat > "$dir/etc/modules.conf" <<EOF
[modules]
autoload = no
load => res_timing_timerfd.so
load => res_pjproject.so
load => res_sorcery_config.so
load => res_sorcery_memory.so
load => res_sorcery_astdb.so
load => res_pjsip.so
load => res_pjsip_session.so
load => res_pjsip_pubsub.so
load => res_pjsip_sdp_rtp.so
load => res_pjsip_endpoint_identifier_ip.so
load => res_pjsip_dtmf_info.so
; the From header gives the caller id (agi_callerid): without it every caller is "unknown"
load => res_pjsip_caller_id.so
load => chan_pjsip.so
load => res_rtp_asterisk.so
load => codec_ulaw.so
load => codec_alaw.so
load => codec_gsm.so
load => format_gsm.so
load => format_wav.so
load => format_pcm.so
load => res_speech.so
load => res_agi.so
load => app_dial.so
load => app_playback.so
load => pbx_config.so
load => func_channel.so
load => bridge_simple.so
load => bridge_native_rtp.so
EOF
  cat > "$dir/etc/pjsip.conf" <<EOF
[udp]
type = transport
protocol = udp
bind = 127.0.0.1:$sip_port

[sipp]
type = endpoint
transport = udp
context = ivr
disallow = all
allow = ulaw
dtmf_mode = rfc4733
language = fr
aors = sipp

[sipp]
type = aor
contact = sip:sipp@127.0.0.1:5080

[sipp]
type = identify
endpoint = sipp
match = 127.0.0.1
EOF
  cat > "$dir/etc/rtp.conf" <<EOF
[general]
rtpstart = 20000
rtpend = 20100
; SIPp sends its key presses from a pcap: no learning period for a source
strictrtp = no
EOF
  cat > "$dir/etc/extensions.conf" <<EOF
[ivr]
exten => 100,1,Set(AGIEXITONHANGUP=yes)
 same => n,AGI(agi://127.0.0.1:$agi_port/rdv,$org)
 same => n,Hangup()
EOF
  : > "$dir/etc/logger.conf"
  printf '[logfiles]\nmessages => notice,warning,error,verbose\n' > "$dir/etc/logger.conf"
  for f in pjproject.conf sorcery.conf res_stun_monitor.conf udptl.conf ccss.conf acl.conf; do : > "$dir/etc/$f"; done

  LD_LIBRARY_PATH="$(lib_path)" nohup "$sysroot/usr/sbin/asterisk" -C "$dir/etc/asterisk.conf" -f -n > "$dir/log/console.txt" 2>&1 &
  echo $! > "$dir/run/pid"
  # Fully booted is when the remote console answers "core waitfullybooted".
  local i
  for i in $(seq 1 60); do
    if LD_LIBRARY_PATH="$(lib_path)" timeout 5 "$sysroot/usr/sbin/asterisk" -C "$dir/etc/asterisk.conf" -rx "core waitfullybooted" >/dev/null 2>&1; then
      echo "$dir"; return 0
    fi
    kill -0 "$(cat "$dir/run/pid")" 2>/dev/null || { echo "asterisk exited; see $dir/log/console.txt" >&2; tail -20 "$dir/log/console.txt" >&2; exit 1; }
    sleep 0.5
  done
  echo "asterisk did not boot; see $dir/log/console.txt" >&2
  exit 1
}

stop() {
  local dir="$1"
  LD_LIBRARY_PATH="$(lib_path)" timeout 10 "$sysroot/usr/sbin/asterisk" -C "$dir/etc/asterisk.conf" -rx "core stop now" >/dev/null 2>&1 || true
  local pid
  pid="$(cat "$dir/run/pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]]; then
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill "$pid" 2>/dev/null || true
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  cli) shift; dir="$1"; shift; LD_LIBRARY_PATH="$(lib_path)" "$sysroot/usr/sbin/asterisk" -C "$dir/etc/asterisk.conf" -rx "$*" ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
