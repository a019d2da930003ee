# shellcheck shell=bash
# Helpers shared by Herald's scripts. Source it; it defines functions only.

# apt_install PACKAGE...
# Installs the packages dpkg does not know yet. `apt-get update` runs at most once per script
# run: the flag is exported, so scripts called from this one skip it too.
apt_install() {
  local missing=() package
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi

  local sudo=()
  if [[ $EUID -ne 0 ]]; then
    sudo=(sudo)
  fi
  echo "Installing ${missing[*]}" >&2
  if [[ -z "${HERALD_APT_UPDATED:-}" ]]; then
    "${sudo[@]}" apt-get update >&2
    export HERALD_APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

# wait_until SECONDS COMMAND...
# Polls COMMAND every 50 ms until it succeeds; fails once SECONDS have passed.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.05
  done
}
