"""media/draw.py regenerates the committed figures in media/.

The comparison is of what a student sees, not of bytes: the last bits of floating point may differ
between CPUs (kernels chosen at run time, fused multiply-add on arm64), which moves the anti-aliased
shade of a few edge pixels by a level or two out of 255. Any real change to a figure, one letter of a
label, a colour, a moved line, changes some pixel by far more than that.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

MEDIA = Path(__file__).resolve().parent.parent / "media"
SHADE = 2  # levels of 255 a pixel may move between machines
MAX_SHADED = 0.001  # the fraction of a figure's pixels that may move by that much


def visible_changes(a: Path, b: Path) -> tuple[int, float]:
    """(pixels that differ by more than SHADE, fraction that differ at all); sizes differ: (-1, 1.0)."""
    first, second = (np.asarray(Image.open(path).convert("RGBA"), dtype=np.int16) for path in (a, b))
    if first.shape != second.shape:
        return -1, 1.0
    difference = np.abs(first - second).max(axis=-1)
    return int((difference > SHADE).sum()), float((difference > 0).mean())


def looks_the_same(a: Path, b: Path) -> bool:
    visible, shaded = visible_changes(a, b)
    return visible == 0 and shaded <= MAX_SHADED


def test_draw_script_reproduces_the_committed_figures(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(MEDIA / "draw.py"), "--out", str(tmp_path)], check=True, timeout=120)
    committed = sorted(p.name for p in MEDIA.glob("*.png"))
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == committed
    changed = {name: visible_changes(tmp_path / name, MEDIA / name) for name in drawn
               if not looks_the_same(tmp_path / name, MEDIA / name)}
    assert not changed, f"regenerated figures differ from media/ (pixels visibly changed, fraction shaded): {changed}"


def test_the_comparison_sees_a_one_letter_change_and_forgives_a_shade(tmp_path: Path) -> None:
    """The tolerance must not hide an edit: one changed word in a figure is caught."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for label in ("precision", "precisian"):
        fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
        ax.plot([0, 1], [1, 0])
        ax.set_xlabel(label)
        paths.append(tmp_path / f"{label}.png")
        fig.savefig(paths[-1])
        plt.close(fig)
    assert not looks_the_same(*paths)
    assert looks_the_same(paths[0], paths[0])

    # what another CPU did to pca-axes.png: 7 edge pixels one shade off
    pixels = np.asarray(Image.open(paths[0]).convert("RGBA")).copy()
    pixels[100, 100:107, 0] ^= 1
    Image.fromarray(pixels).save(tmp_path / "shaded.png")
    assert looks_the_same(paths[0], tmp_path / "shaded.png")
