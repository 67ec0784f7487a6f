"""Makes `import passkey` work without installing it: the package directory
(bindings/python) goes on sys.path, and on PYTHONPATH for the subprocesses
some tests start (example, leak probe, library loading)."""

import os
import sys
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
