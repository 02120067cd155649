#!/usr/bin/env bash
# Create the peer-benchmark environment (.venv-peers at the repository root) and
# install benchmarks/peers/requirements.txt into it. Idempotent: a stamp file
# records the requirements that were installed; rerunning with the same
# requirements does nothing. Override the interpreter with PYTHON=..., the
# location with PEERS_VENV=...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${PEERS_VENV:-$ROOT/.venv-peers}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.peers-installed"

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup_env: creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

if [ -f "$STAMP" ] && cmp -s "$REQ" "$STAMP"; then
    echo "setup_env: $VENV is up to date ($STAMP)"
    exit 0
fi

echo "setup_env: installing $REQ into $VENV (this takes a few minutes)"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r "$REQ"
"$VENV/bin/python" -c "import pref_voting, votekit, numpy; print('setup_env: pref_voting', pref_voting.__version__ if hasattr(pref_voting, '__version__') else '?', '| numpy', numpy.__version__)"
cp "$REQ" "$STAMP"
echo "setup_env: done"
