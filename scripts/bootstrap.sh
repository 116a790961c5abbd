#!/usr/bin/env bash
# Find a Python >= 3.12 (Mesa 3.5 needs it) and keep .venv in step with pyproject.toml.
# Sourced by scripts/run and scripts/test; prints nothing when the environment is already current.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

supports_312() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
    local candidates=("${PYTHON:-}" python3.12 python3.13 python3)
    # pyenv installs are not always on PATH (a shim may refuse a version that is not selected).
    candidates+=("$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9])
    for c in "${candidates[@]}"; do
        [ -n "$c" ] || continue
        if supports_312 "$c"; then command -v "$c" || echo "$c"; return 0; fi
    done
    echo "inclusion-sim: no Python >= 3.12 found (tried: ${candidates[*]}); install one or set PYTHON=/path/to/python3.12" >&2
    return 1
}

if [ ! -x "$venv/bin/python" ] || ! supports_312 "$venv/bin/python"; then
    py="$(find_python)"
    echo "Creating $venv with $py" >&2
    rm -rf "$venv"
    "$py" -m venv "$venv"
fi
stamp="$venv/.installed-$(sha1sum "$root/pyproject.toml" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
    echo "Installing inclusion-sim and its dependencies into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet -e "$root[dev]" >&2
    rm -f "$venv"/.installed-*
    touch "$stamp"
fi
