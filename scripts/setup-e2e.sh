#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) need, from scratch on a fresh Debian machine, and is a
# quick no-op when everything is already there:
#   - PostgreSQL from Debian's packages (the tests start their own throwaway server with scripts/start-postgres.sh)
#   - .venv/meltano      : meltano (pinned), and the example project's target-postgres installed by `meltano install`
#   - .venv/pyairbyte    : PyAirbyte (pinned)
#   - .venv/target-csv   : meltanolabs-target-csv (pinned), the Singer target of the README's CSV recipe
# Meltano, PyAirbyte and the CSV target live in separate virtualenvs because their dependency pins clash.
# Usage: bash scripts/setup-e2e.sh        (as root for the apt step; a non-root user with PostgreSQL already
#                                          installed can run it too)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

MELTANO_VERSION="4.4.1"
TARGET_POSTGRES_VERSION="0.8.1"   # pinned in examples/meltano/meltano.yml (pip_url)
AIRBYTE_VERSION="0.71.3"
TARGET_CSV_VERSION="0.5.0"

log() { echo "setup-e2e: $*" >&2; }

# --- PostgreSQL and the venv module from Debian ---------------------------------------------------
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
need_apt=()
if [ -z "$(pg_bin_dir)" ] || [ ! -x "$(pg_bin_dir)/initdb" ]; then need_apt+=(postgresql); fi
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)

# A Python 3.10-3.12 (PyAirbyte refuses 3.13) that can create virtualenvs with pip.
pick_python() {
  for py in "${PYTHON:-}" python3.12 python3.11 python3.10 python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import sys, venv, ensurepip; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  return 1
}
PY="$(pick_python || true)"
if [ -z "$PY" ]; then need_apt+=(python3 python3-venv); fi

if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_apt[*]} (run this script as root, or: sudo apt-get install -y ${need_apt[*]})"
    exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # Debian's package starts a cluster on 5432; the tests start their own, so leave the default one alone.
  PY="$(pick_python)"
fi
log "python: $PY ($("$PY" --version 2>&1)); postgres: $(pg_bin_dir)"

# --- virtualenvs ------------------------------------------------------------------------------------
# make_venv DIR CONSTRAINTS PACKAGE: (re)creates DIR unless DIR/.installed already records the same
# package and constraints. CONSTRAINTS pins every transitive dependency (pip freeze of a venv that
# passed the suite), so a new release of some dependency cannot break CI overnight; if the pinned set
# cannot be installed on this Python, it falls back to the package pin alone, with a warning.
make_venv() {
  local dir="$1" constraints="$2" pkg="$3"
  local stamp="$pkg $(sha1sum "$constraints" | cut -c1-12)"
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$stamp" ] && [ -x "$dir/bin/python" ]; then
    log "$dir up to date ($stamp)"; return 0
  fi
  log "creating $dir with $pkg"
  rm -rf "$dir"
  "$PY" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  if ! "$dir/bin/python" -m pip install -q --disable-pip-version-check -c "$constraints" "$pkg"; then
    log "WARNING: the pinned dependency set $constraints does not install here; installing $pkg with fresh dependencies"
    "$dir/bin/python" -m pip install -q --disable-pip-version-check "$pkg"
  fi
  echo "$stamp" >"$dir/.installed"
}

export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1 AIRBYTE_OFFLINE_MODE=1

make_venv .venv/meltano scripts/e2e-constraints/meltano.txt "meltano==$MELTANO_VERSION" &
p1=$!
make_venv .venv/pyairbyte scripts/e2e-constraints/pyairbyte.txt "airbyte==$AIRBYTE_VERSION" &
p2=$!
make_venv .venv/target-csv scripts/e2e-constraints/target-csv.txt "meltanolabs-target-csv==$TARGET_CSV_VERSION" &
p3=$!
fail=0
wait $p1 || fail=1
wait $p2 || fail=1
wait $p3 || fail=1
[ "$fail" = 0 ] || { log "a virtualenv failed to install (see above)"; exit 1; }

# The example Meltano project installs its loader (target-postgres, pinned by pip_url) into
# examples/meltano/.meltano; the extractor is our own executable and needs no install.
MELTANO_STAMP="examples/meltano/.meltano/.installed"
want="target-postgres==$TARGET_POSTGRES_VERSION $(sha1sum examples/meltano/meltano.yml | cut -c1-12)"
if [ -f "$MELTANO_STAMP" ] && [ "$(cat "$MELTANO_STAMP")" = "$want" ] \
   && [ -x examples/meltano/.meltano/loaders/target-postgres/venv/bin/target-postgres ]; then
  log "examples/meltano plugins up to date"
else
  log "meltano install (examples/meltano)"
  (cd examples/meltano && "$ROOT/.venv/meltano/bin/meltano" install >/dev/null)
  echo "$want" >"$MELTANO_STAMP"
fi

log "ready: $("$ROOT/.venv/meltano/bin/meltano" --version), airbyte $("$ROOT/.venv/pyairbyte/bin/python" -c 'import importlib.metadata as m; print(m.version("airbyte"))'), target-csv $("$ROOT/.venv/target-csv/bin/python" -c 'import importlib.metadata as m; print(m.version("meltanolabs-target-csv"))'), target-postgres $(examples/meltano/.meltano/loaders/target-postgres/venv/bin/python -c 'import importlib.metadata as m; print(m.version("meltanolabs-target-postgres"))')"

# --- The Airbyte image (test/e2e/image.test.ts): podman builds it, mmdebstrap makes its base ----------
# (scripts/build-image.sh: the public image registry is not needed; the base comes from Debian's mirror
# and the npm registry, and is made by the test itself.)
if command -v podman >/dev/null 2>&1 && command -v mmdebstrap >/dev/null 2>&1; then
  log "podman $(podman --version | awk '{print $3}'), mmdebstrap present"
elif [ "$(id -u)" != 0 ]; then
  log "podman and mmdebstrap are missing (run this script as root, or: sudo apt-get install -y podman mmdebstrap)"
  exit 1
else
  log "apt-get install podman mmdebstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends podman mmdebstrap >/dev/null
fi
