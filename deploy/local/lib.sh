# Shared by deploy/local/{up,down,ensure-services}; sourced, not run.
# Sets ROOT (repo root, also the working directory), STATE, LOGS, the service table and helpers.
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT" || exit 1
STATE=$ROOT/deploy/local/.state
LOGS=$ROOT/deploy/local/logs
# Debian keeps nginx, pg_ctlcluster and friends in sbin, which a non-login PATH may lack.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

# Start order matters: token-service first, the others fetch its JWKS.
SERVICES=(token-service authorize-service userinfo-service client-registry-service)
declare -A PORT=([authorize-service]=8081 [token-service]=8082 [userinfo-service]=8083
                 [client-registry-service]=8084)
NGINX_PORT=8080
# KEYFAIR_TLS=1: nginx also serves https on TLS_PORT, which becomes the issuer, and :8080 redirects
# there; the certificate is made once into .state/tls/ (up's ensure_tls)
TLS_PORT=8443
case ${KEYFAIR_TLS:-} in 1 | true | yes) TLS=true ;; *) TLS=false ;; esac
TLS_DIR=$STATE/tls
# token-service may run as several instances behind nginx (KEYFAIR_TOKEN_REPLICAS, default 1, at
# most 9), sharing PostgreSQL and Redis as replicas do in Kubernetes: the first is token-service on
# 8082, the n-th token-service@n on 8082 + 10·(n-1) (8092, 8102, ...). INSTANCES is what runs.
# (up only starts consecutive instances, so counting the pid files finds the highest.)
# Unset, it keeps as many as an earlier up started (a plain `up` never stops a replica).
TOKEN_REPLICAS=${KEYFAIR_TOKEN_REPLICAS:-}
if [[ -z $TOKEN_REPLICAS ]]; then
  TOKEN_REPLICAS=1
  for pidfile in "$STATE"/token-service@*.pid; do [[ -e $pidfile ]] && TOKEN_REPLICAS=$((TOKEN_REPLICAS + 1)); done
fi
INSTANCES=("${SERVICES[@]}")
if [[ $TOKEN_REPLICAS =~ ^[1-9]$ ]]; then
  for ((n = 2; n <= TOKEN_REPLICAS; n++)); do
    INSTANCES+=("token-service@$n")
    PORT[token-service@$n]=$((8082 + 10 * (n - 1)))
  done
fi

say() { printf '[keyfair] %s\n' "$*"; }
die() { printf '[keyfair] error: %s\n' "$*" >&2; exit 1; }

# apt-get, pg_ctlcluster and redis-server want root; use sudo when we are not.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}
# Rare (a fresh machine), so always refresh the package lists first: they may be empty or old.
apt_install() {
  say "installing $* with apt-get"
  if ! as_root apt-get update -qq >/dev/null ||
    ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; then
    die "apt-get install $* failed"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1 (no ss/netstat needed).
port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The module an instance runs: token-service@2 runs token-service.
module_of() { printf '%s' "${1%@*}"; }

jar_of() { printf '%s/%s/target/quarkus-app/quarkus-run.jar' "$ROOT" "$(module_of "$1")"; }

# Extra token-service instances an earlier up started (they have pid files), whatever
# KEYFAIR_TOKEN_REPLICAS says now: down stops them, up stops those no longer wanted.
started_replicas() {
  local file
  for file in "$STATE"/token-service@*.pid; do
    [[ -e $file ]] || continue
    file=${file##*/}
    printf '%s\n' "${file%.pid}"
  done
}

# What identifies our process for a pid file: the absolute jar path, or our nginx config. Checking
# the command line guards against a recycled pid, and tells this checkout's stack from another's.
marker_of() {
  if [[ $1 == nginx ]]; then printf '%s/nginx.conf' "$STATE"; else jar_of "$1"; fi
}

# Prints the pid of our live process $1 (a service name or nginx); fails when there is none.
live_pid() {
  local file=$STATE/$1.pid pid cmdline
  [[ -r $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$(marker_of "$1")"* ]] || return 1
  printf '%s\n' "$pid"
}

# Start time of process $1 in epoch seconds, from /proc (procps may be missing on a fresh box).
proc_start_epoch() {
  local stat fields btime
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  read -r -a fields <<<"${stat##*) }"   # fields[0] is field 3 of stat(5), so starttime (22) is [19]
  btime=$(awk '/^btime/ {print $2}' /proc/stat)
  printf '%s\n' $((btime + fields[19] / $(getconf CLK_TCK)))
}

# True while process $1 runs; a zombie nobody has reaped yet counts as gone.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}

# Stops our processes by name (services and/or nginx): SIGTERM, SIGKILL after 10 s; removes their
# pid and fingerprint files.
stop_processes() {
  local name pid waited=0
  local -A pids=()
  for name in "$@"; do
    if pid=$(live_pid "$name"); then
      say "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids[$name]=$pid
    fi
  done
  while ((${#pids[@]} > 0)); do
    for name in "${!pids[@]}"; do
      alive "${pids[$name]}" || unset 'pids[$name]'
    done
    ((${#pids[@]} > 0)) || break
    if ((waited >= 100)); then
      for name in "${!pids[@]}"; do
        say "$name did not stop within 10 s, killing it"
        kill -KILL "${pids[$name]}" 2>/dev/null || true
      done
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  for name in "$@"; do rm -f "$STATE/$name.pid" "$STATE/$name.fingerprint"; done
}
