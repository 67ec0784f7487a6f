"""examples/verify_example.py runs and prints each step's outcome."""

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "verify_example.py"


def test_verify_example_runs():
    completed = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("passkey 0.")
    assert lines[2] == "registered credential gokBRPH0zJlDbK0PJ8s8RIRDSfK5pyzWtpcvMaSofSw algorithm -7"
    assert lines[3] == "signed in: signCount 2 userVerified True"
    assert lines[4] == "rejected: challenge_mismatch"
