# Helpers shared by the scripts; sourced, not run.
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

# port_open HOST PORT
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_port HOST PORT SECONDS WHAT
wait_port() {
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    port_open "$1" "$2" && return 0
    sleep 0.5
  done
  die "$4 did not come up on $1:$2 within $3 s"
}

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PACKAGE...: only where it needs no questions (Debian/Ubuntu as root).
apt_install() {
  is_root && command -v apt-get >/dev/null 2>&1 || return 1
  say "Installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

docker_works() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
