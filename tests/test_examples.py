"""The examples run and show what they claim."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_classic_walkthrough():
    res = subprocess.run([sys.executable, str(ROOT / "examples" / "classic_walkthrough.py")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "W1 =" in out and "b2 =" in out
    assert "zeros: distinct hidden units per layer after 10 steps: [1, 1]" in out
    assert "he: distinct hidden units per layer after 10 steps: [10, 5]" in out
