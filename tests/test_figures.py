"""media/draw.py regenerates exactly the committed figures in media/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MEDIA = Path(__file__).resolve().parent.parent / "media"


def test_draw_script_reproduces_the_committed_pngs_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(MEDIA / "draw.py"), "--out", str(tmp_path)], check=True, timeout=60)
    committed = sorted(p.name for p in MEDIA.glob("*.png"))
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == committed
    changed = [name for name in drawn if (tmp_path / name).read_bytes() != (MEDIA / name).read_bytes()]
    assert not changed, f"regenerated figures differ from media/: {changed}"
