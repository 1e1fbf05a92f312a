#!/usr/bin/env bash
# Create bench/openfisca/.venv with openfisca-core and this country package (editable).
# It is separate from the project's venv: openfisca is never a runtime dependency of huiqi.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/python -c "import openfisca_core, numpy, polars; from importlib.metadata import version; \
print('openfisca-core', version('openfisca-core'), '| numpy', numpy.__version__, '| polars', polars.__version__)"
