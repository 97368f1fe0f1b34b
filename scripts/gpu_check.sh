#!/usr/bin/env bash
# The GPU check (issue 12, item 6): the core's checks and figures on a CUDA device, in under 4 minutes,
# every figure printed with the GPU's name, the torch version and the dtype (driver: scripts/gpu_check.py).
#
#   bash scripts/gpu_check.sh --fetch-wheels   here, where PyPI is reachable, before the first GPU run:
#                                              the wheels the GPU machine lacks -> .gpu-wheels/ (git-ignored)
#   bash scripts/gpu_check.sh                  on the GPU machine: the checks on cuda, full sizes
#   bash scripts/gpu_check.sh --cpu            the same checks on the CPU with .venv (or $PYTHON), smaller
#                                              sizes; CI runs it (tests/test_gpu_check.py), so it cannot rot
#
# On the GPU machine, from a session: `bash scripts/gpu_check.sh --fetch-wheels` here first, then the
# device tool's call, as one line:
#   run(command="bash scripts/gpu_check.sh", carry=[".gpu-wheels"], timeout_s=300)
# (.gpu-wheels is git-ignored, so only `carry` takes it there). It aims at under 4 minutes, so that a
# rerun fits the 15-minute window with the machine's start-up; give_back afterwards unless rerunning.
#
# The GPU machine: Python 3.12 with its own torch 2.11.0+cu130 (never installed over: we use it), plus
# transformers, safetensors, tokenizers, numpy, pandas, pytest; no network; at most 64 MiB of the
# repository. So no real model file travels (MiniLM 91 MB, e5 72 MB, SmolLM2 98 MB): the check runs the
# shipped tiny checkpoints, and random-weight models of the real shapes (same shapes, same speed).
# What it lacks and the check needs, carried as wheels: only pytest-timeout (pure Python, ~15 KB), so
# pytest.ini's `timeout` works (without it pytest only warns "Unknown config option: timeout", but a
# hung test would then eat the window; the check lowers it to 120 s a test). Not carried, checked:
# streamlit, altair, plotly, pillow (nothing under tf_core/ or tests/tf_core imports them) and gguf (only
# read for SmolLM2's GGUF file, which is not there; its tests skip).
#
# The core tests, the --cpu subset: tests/tf_core with the real model packages hidden, in both modes.
# Their tests skip, as they must on the GPU machine (CI checks that they do); what remains ran in
# ~24 s on the idle 2-core machine (706 passed, 149 skipped; none over 2.1 s with --durations), against
# 77 s with the real models, whose loading tests top --durations (2-6 s each). The whole --cpu run: ~40 s.
# GPU_CHECK_CORE_TESTS="paths" narrows that step (tests/test_gpu_check.py: two files; the suite runs the rest).
#
# Default mode writes nothing outside the repository and /tmp: the wheels go to a temporary
# --target folder on PYTHONPATH, the caches of Hugging Face and CUDA into it too, all removed at exit.
set -euo pipefail

export GPU_CHECK_T0="$(date +%s.%N)"  # the total wall time printed at the end counts the set-up too
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
wheels="$root/.gpu-wheels"
mode=cuda
for arg in "$@"; do
  case "$arg" in
    --cpu) mode=cpu ;;
    --fetch-wheels) mode=fetch ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "usage: bash scripts/gpu_check.sh [--cpu | --fetch-wheels]" >&2; exit 2 ;;
  esac
done

# Pinned like every other dependency: the version in requirements-test.txt.
pin() { sed -n "s/^$1==\([^ ;]*\).*/$1==\1/p" requirements-test.txt requirements.txt | head -n 1; }

if [ "$mode" = fetch ]; then
  python="${PYTHON:-$root/.venv/bin/python}"
  spec="$(pin pytest-timeout)"
  [ -n "$spec" ] || { echo "[gpu-check] pytest-timeout is not pinned in requirements-test.txt" >&2; exit 1; }
  rm -rf "$wheels" && mkdir -p "$wheels"
  # Wheels for the GPU machine's interpreter, whatever this one is: CPython 3.12, manylinux x86-64.
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.12 --platform manylinux2014_x86_64 --dest "$wheels" "$spec"
  ls -l "$wheels"
  bytes="$(du -cb "$wheels"/*.whl | tail -n 1 | cut -f 1)"
  echo "[gpu-check] $(ls "$wheels" | wc -l) wheel(s), $bytes bytes in all ($(( bytes / 1024 )) KiB; the limit is 64 MiB)"
  exit 0
fi

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1  # no network on the GPU machine: never wait for a time-out
export PIP_ROOT_USER_ACTION=ignore  # that machine runs as root; pip's warning about it says nothing here

if [ "$mode" = cpu ]; then
  python="${PYTHON:-$root/.venv/bin/python}"
  [ -x "$python" ] || python=python3
  exec "$python" scripts/gpu_check.py --device cpu
fi

# The machine's own interpreter, the first that has torch (find_spec: without importing it), or $PYTHON.
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 python python3.12 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
         'import importlib.util as u; raise SystemExit(u.find_spec("torch") is None)' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
  python="${python:-python3}"
fi
if ! found="$("$python" -c 'import torch; print("torch", torch.__version__); raise SystemExit(not torch.cuda.is_available())' 2>&1)"; then
  echo "[gpu-check] FAIL: $(tail -n 1 <<<"$found") sees no CUDA device ($python). On a CPU: bash scripts/gpu_check.sh --cpu" >&2
  exit 2
fi
tmp="$(mktemp -d /tmp/gpu-check.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
export HF_HOME="$tmp/hf" CUDA_CACHE_PATH="$tmp/nv" PYTHONDONTWRITEBYTECODE=1
shopt -s nullglob
carried=("$wheels"/*.whl)
if [ "${#carried[@]}" -gt 0 ]; then
  # --no-deps: what they need (pytest) is there; --target: next to the machine's packages, torch untouched.
  if ! "$python" -m pip install --quiet --disable-pip-version-check --no-cache-dir --no-index --no-deps \
       --target "$tmp/site" "${carried[@]}"; then
    echo "[gpu-check] pip failed: unpacking the pure-Python wheels instead"
    for w in "${carried[@]}"; do "$python" -m zipfile -e "$w" "$tmp/site"; done
  fi
  export PYTHONPATH="$tmp/site${PYTHONPATH:+:$PYTHONPATH}"
  echo "[gpu-check] carried wheels: $(basename -a "${carried[@]}" | tr '\n' ' ')"
else
  if "$python" -c 'import pytest_timeout' 2>/dev/null; then
    echo "[gpu-check] no .gpu-wheels here; the machine has its own pytest-timeout (the H200 image of 2026-12 does)"
  else
    echo "[gpu-check] no .gpu-wheels here (run --fetch-wheels, carry .gpu-wheels): pytest runs without pytest-timeout"
  fi
fi
# Not exec: the trap removes the temporary folder after the run.
"$python" scripts/gpu_check.py --device cuda
