#!/usr/bin/env bash
# Create .venv and install every package of the platform (editable) with the pinned
# constraints. Re-runs only when constraints.txt or a pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PYTHON=${PYTHON:-python3}
PACKAGES=(services/shared services/accounts services/content services/media services/feedback
          services/polls services/royalties services/notifications gateway)
stamp=.venv/.installed
want=$(cat constraints.txt requirements-dev.txt "${PACKAGES[@]/%//pyproject.toml}" | sha256sum | cut -c1-16)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/platform ]; then
  exit 0
fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1)); set PYTHON=python3.11"
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv || die "could not create .venv (Debian/Ubuntu: sudo apt-get install python3-venv)"
fi
say "Installing the platform into .venv (pinned by constraints.txt)"
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "pip>=23" setuptools wheel
args=()
for p in "${PACKAGES[@]}"; do args+=(-e "$p"); done
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements-dev.txt "${args[@]}"
echo "$want" > "$stamp"
