"""The IoU, NMS and precision/recall problem families, checked against independent solvers.

Each family's answer comes from its own reference solver; these tests recompute it another way
(IoU by counting grid cells, NMS by recursion over a raster IoU, AP by a right-to-left precision
envelope and integer threshold tests) over the generated problems and thousands of random cases.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from conftest import generator_module
from hypothesis import given, settings
from hypothesis import strategies as st

from ankibuild.problem import Problem

IOU, NMS, PR = generator_module("iou"), generator_module("nms"), generator_module("precision_recall")
BOXES = generator_module("_boxes")
FAMILIES = {"iou": IOU, "nms": NMS, "precision_recall": PR}
SEEDS = range(300)


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, 0])


def half_up(x: Fraction, places: int) -> Decimal:
    """Exact decimal rounding, done with decimal.Decimal rather than the families' helper."""
    exact = Decimal(x.numerator) / Decimal(x.denominator)  # 28 digits: far finer than any tie here
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def problems() -> dict[str, list[Problem]]:
    return {name: [m.generate(rng(s)) for s in SEEDS] for name, m in FAMILIES.items()}


# --- shared by the three families (the contract itself: test_generators_contract.py) ---------------

@pytest.mark.parametrize("name", FAMILIES)
def test_the_seeds_really_vary_the_problem(name: str, problems: dict[str, list[Problem]]) -> None:
    assert len({p.question for p in problems[name]}) > 250


# --- IoU ------------------------------------------------------------------------------------------

GRID = 10


def cells(box: list[int] | tuple[int, ...]) -> np.ndarray:
    """The unit cells of the 0..GRID grid inside the box: exact area for integer corners."""
    x = np.arange(GRID)[:, None] + 0.5
    y = np.arange(GRID)[None, :] + 0.5
    return (box[0] < x) & (x < box[2]) & (box[1] < y) & (y < box[3])


def raster_iou(a: tuple[int, ...], b: tuple[int, ...]) -> Fraction:
    ca, cb = cells(a), cells(b)
    return Fraction(int((ca & cb).sum()), int((ca | cb).sum()))


def raster_kind(a: list[int], b: list[int]) -> str:
    ca, cb = cells(a), cells(b)
    if (ca & cb).any():
        return "nested" if not (ca & ~cb).any() or not (cb & ~ca).any() else "partial"
    pa = np.pad(ca, 1)
    side = pa[:-2, 1:-1] | pa[2:, 1:-1] | pa[1:-1, :-2] | pa[1:-1, 2:]  # cells sharing an edge with a
    return "touching" if (side & cb).any() else "disjoint"


boxes_st = st.tuples(st.integers(0, GRID - 1), st.integers(0, GRID - 1), st.integers(1, GRID),
                     st.integers(1, GRID)).map(lambda t: (t[0], t[1], min(GRID, t[0] + t[2]), min(GRID, t[1] + t[3])))


def test_iou_problems_match_cell_counting(problems: dict[str, list[Problem]]) -> None:
    for p in problems["iou"]:
        a, b = p.inputs["a"], p.inputs["b"]
        ca, cb = cells(a), cells(b)
        assert p.answer["intersection"] == int((ca & cb).sum())
        assert p.answer["union"] == int((ca | cb).sum())
        value = half_up(raster_iou(tuple(a), tuple(b)), 2)
        assert p.answer["iou"] == float(value)
        assert p.solution.startswith(f"**IoU = {value}**") and f"= {value}$" in p.solution
        assert p.inputs["kind"] == raster_kind(a, b)
        assert f"$A = ({', '.join(map(str, a))})$" in p.question and f"$B = ({', '.join(map(str, b))})$" in p.question
        assert p.question_figure.args == {"a": a, "b": b, "shade": False}
        assert "rounded to 2 decimals" in p.question and "$(x_2 - x_1)(y_2 - y_1)$" in p.question


def test_iou_mix_has_every_case_kind(problems: dict[str, list[Problem]]) -> None:
    kinds = [p.inputs["kind"] for p in problems["iou"]]
    for kind, share in (("partial", 0.25), ("nested", 0.1), ("touching", 0.1), ("disjoint", 0.1)):
        assert kinds.count(kind) >= share * len(kinds), kind
    assert any(p.answer["iou"] == 0 and p.inputs["kind"] == "touching" for p in problems["iou"])


def test_iou_matches_cell_counting_on_random_boxes() -> None:
    r = np.random.default_rng(1)
    for _ in range(3000):
        a, b = (tuple(int(v) for v in (x, y, x + w, y + h))
                for x, y, w, h in [(*r.integers(0, 8, 2), *r.integers(1, 4, 2)) for _ in range(2)])
        assert BOXES.iou(a, b) == raster_iou(a, b), (a, b)
        assert IOU.kind_of(a, b) in (raster_kind(list(a), list(b)), "corner")


@settings(max_examples=400, deadline=None)
@given(boxes_st, boxes_st)
def test_iou_properties(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    value = BOXES.iou(a, b)
    assert value == BOXES.iou(b, a)
    assert 0 <= value <= 1
    assert (value == 1) == (a == b)
    assert value == raster_iou(a, b)
    inner = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    if inner in (a, b):  # nested: the intersection is the small box, the union the large one
        small, large = sorted((x[2] - x[0]) * (x[3] - x[1]) for x in (a, b))
        assert value == Fraction(small, large)


def test_iou_labels_never_overlap_and_stay_on_the_canvas(problems: dict[str, list[Problem]]) -> None:
    left, bottom, right, top = IOU.CANVAS.bounds()
    for p in problems["iou"]:
        placed = [q for q, _, _ in IOU.layout(p.inputs["a"], p.inputs["b"])]
        assert_separate([q.rect for q in placed], (left, bottom, right, top))


def assert_separate(rects: list[tuple[float, ...]], bounds: tuple[float, ...]) -> None:
    for r in rects:
        assert bounds[0] <= r[0] and r[2] <= bounds[2] and bounds[1] <= r[1] and r[3] <= bounds[3], r
    for r, s in combinations(rects, 2):
        assert r[2] <= s[0] or s[2] <= r[0] or r[3] <= s[1] or s[3] <= r[1], (r, s)


# --- NMS ------------------------------------------------------------------------------------------

def box_iou_by_cells(a: tuple[int, ...], b: tuple[int, ...]) -> Fraction:
    """IoU by counting unit cells of the boxes' own bounding grid (any integer coordinates)."""
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[2], b[2]), max(a[3], b[3])
    x = np.arange(x0, x1)[:, None] + 0.5
    y = np.arange(y0, y1)[None, :] + 0.5
    ia = (a[0] < x) & (x < a[2]) & (a[1] < y) & (y < a[3])
    ib = (b[0] < x) & (x < b[2]) & (b[1] < y) & (y < b[3])
    return Fraction(int((ia & ib).sum()), int((ia | ib).sum()))


def nms_recursive(boxes: dict[str, tuple[int, ...]], scores: dict[str, Decimal],
                  threshold: Fraction) -> dict[str, str | None]:
    """Keep the top box, drop every remaining box above the threshold with it, recurse on the
    rest: {label: None if kept else the box that removed it}."""
    if not boxes:
        return {}
    top = max(boxes, key=lambda k: (scores[k], [-ord(c) for c in k]))
    removed = {k for k in boxes if k != top and box_iou_by_cells(boxes[top], boxes[k]) > threshold}
    rest = {k: v for k, v in boxes.items() if k != top and k not in removed}
    return {top: None, **{k: top for k in removed}, **nms_recursive(rest, scores, threshold)}


def nms_inputs(p: Problem) -> tuple[dict[str, tuple[int, ...]], dict[str, Decimal], Fraction]:
    return ({k: tuple(v) for k, v in p.inputs["boxes"].items()},
            {k: Decimal(str(v)) for k, v in p.inputs["scores"].items()},
            Fraction(str(p.inputs["threshold"])))


def test_nms_problems_match_the_recursive_solver(problems: dict[str, list[Problem]]) -> None:
    for p in problems["nms"]:
        boxes, scores, threshold = nms_inputs(p)
        assert 4 <= len(boxes) <= 10 and Fraction(3, 10) <= threshold <= Fraction(7, 10)
        expected = nms_recursive(boxes, scores, threshold)
        kept = sorted(k for k, by in expected.items() if by is None)
        assert p.answer["kept"] == kept
        assert p.answer["suppressed"] == sorted(set(boxes) - set(kept))
        assert p.answer["order"] == sorted(boxes, key=lambda k: (-scores[k], k))
        assert p.solution.startswith(f"**Kept: {', '.join(kept)}**")
        for label, by in expected.items():
            if by is not None:
                assert f"{label} ({scores[label]}" in p.solution and f"suppressed by {by}: IoU" in p.solution


def test_nms_question_shows_the_numbers_of_the_figure(problems: dict[str, list[Problem]]) -> None:
    for p in problems["nms"]:
        boxes, scores, _ = nms_inputs(p)
        args = p.question_figure.args
        assert args["boxes"] == p.inputs["boxes"] and args["scores"] == p.inputs["scores"]
        assert f"$t = {p.inputs['threshold']}$" in p.question
        for k, v in scores.items():
            assert f"{k} {v:.2f}" in p.question
        for a, b in combinations(sorted(boxes), 2):
            value = box_iou_by_cells(boxes[a], boxes[b])
            assert (f"{a}–{b} {half_up(value, 2)}" in p.question) == (value > 0), (a, b)
        assert "> t" in p.question and "exactly equal to $t$ survives" in p.question
        assert "alphabetical" in p.question


def test_nms_shown_ious_are_never_ambiguous(problems: dict[str, list[Problem]]) -> None:
    """Only an IoU exactly at the threshold rounds to it: the card's 2 decimals decide every test."""
    for p in problems["nms"]:
        boxes, _, threshold = nms_inputs(p)
        for a, b in combinations(boxes.values(), 2):
            value = box_iou_by_cells(a, b)
            assert value == threshold or abs(value - threshold) >= Fraction(1, 50)


def test_nms_mix_has_ties_and_exact_threshold_cases(problems: dict[str, list[Problem]]) -> None:
    exact = decisive = tie = decisive_tie = 0
    for p in problems["nms"]:
        boxes, scores, threshold = nms_inputs(p)
        kept = set(p.answer["kept"])
        exact += any(box_iou_by_cells(a, b) == threshold for a, b in combinations(boxes.values(), 2))
        decisive += any(box_iou_by_cells(boxes[a], boxes[b]) == threshold for a, b in combinations(kept, 2))
        tied = [(a, b) for a, b in combinations(boxes, 2) if scores[a] == scores[b]]
        tie += bool(tied)
        decisive_tie += any(box_iou_by_cells(boxes[a], boxes[b]) > threshold for a, b in tied)
    n = len(problems["nms"])
    assert exact > 0.3 * n and decisive > 0.1 * n and tie > 0.25 * n and decisive_tie > 0.1 * n


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 4), st.integers(1, 4),
                          st.integers(0, 5)), min_size=1, max_size=8),
       st.sampled_from(["0.3", "0.4", "0.5", "0.6", "0.7", "0.25", "1/3"]))
def test_nms_matches_the_recursive_solver_on_random_scenes(specs: list[tuple[int, ...]], t: str) -> None:
    """Small integer boxes and scores from a handful of values: IoU-at-threshold and score ties abound."""
    labels = "ABCDEFGH"
    boxes = {labels[i]: (x, y, x + w, y + h) for i, (x, y, w, h, _) in enumerate(specs)}
    scores = {labels[i]: s / 10 + 0.4 for i, (*_, s) in enumerate(specs)}
    threshold = Fraction(t)
    steps = NMS.nms(boxes, scores, threshold)
    expected = nms_recursive(boxes, {k: Decimal(str(v)) for k, v in scores.items()}, threshold)
    assert dict(steps) == expected


def test_nms_labels_never_overlap_and_stay_on_the_canvas(problems: dict[str, list[Problem]]) -> None:
    for p in problems["nms"]:
        placed = NMS.layout(p.inputs["boxes"], p.inputs["scores"])
        assert [q.text.split()[0] for q in placed] == list(p.inputs["boxes"])
        assert_separate([q.rect for q in placed], NMS.CANVAS.bounds())


def test_nms_clusters_are_apart() -> None:
    """Boxes of different clusters never overlap: the IoU list stays within clusters."""
    for seed in SEEDS:
        args = NMS.generate(rng(seed)).question_figure.args
        cluster_of = {k: i for i, names in enumerate(args["clusters"]) for k in names}
        for a, b in combinations(args["boxes"], 2):
            if cluster_of[a] != cluster_of[b]:
                assert box_iou_by_cells(tuple(args["boxes"][a]), tuple(args["boxes"][b])) == 0


# --- precision and recall -------------------------------------------------------------------------

def ap11_by_envelope(matches: list[bool], n_gt: int) -> Fraction:
    """Precision envelope from the last rank backwards; each threshold r = i/10 takes the envelope
    at the first rank whose recall tp/G reaches it, tested in integers (10·tp ≥ i·G)."""
    tps = np.cumsum(matches)
    precision = [Fraction(int(tp), k) for k, tp in enumerate(tps, 1)]
    envelope = precision[:]
    for k in range(len(envelope) - 2, -1, -1):
        envelope[k] = max(envelope[k], envelope[k + 1])
    total = Fraction(0)
    for i in range(11):
        first = next((k for k, tp in enumerate(tps) if 10 * int(tp) >= i * n_gt), None)
        total += envelope[first] if first is not None else 0
    return total / 11


def test_pr_problems_match_counting_and_the_envelope(problems: dict[str, list[Problem]]) -> None:
    for p in problems["precision_recall"]:
        matches, n_gt, k, scores = p.inputs["matches"], p.inputs["n_gt"], p.inputs["k"], p.inputs["scores"]
        assert 6 <= len(matches) <= 12 and sum(matches) >= 1 and n_gt >= sum(matches) and 1 <= k <= len(matches)
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)
        hits = matches[:k].count(True)
        precision, recall = half_up(Fraction(hits, k), 3), half_up(Fraction(hits, n_gt), 3)
        ap = half_up(ap11_by_envelope(matches, n_gt), 3)
        assert p.answer == {"precision_at_k": float(precision), "recall_at_k": float(recall), "ap11": float(ap)}
        assert p.solution.startswith(f"**P@{k} = {precision}, R@{k} = {recall}, AP = {ap}**")
        assert "$\\text{AP} = " in p.solution and f"/11 = {ap}$" in p.solution
        assert f"$G = {n_gt}$" in p.question and f"$k = {k}$" in p.question and "3 decimals" in p.question
        for rank, (s, m) in enumerate(zip(scores, matches), 1):
            assert f"| {rank} | {s:.2f} | {'TP' if m else 'FP'} |" in p.question


def test_pr_mix_has_edge_cases(problems: dict[str, list[Problem]]) -> None:
    ps = problems["precision_recall"]
    on_threshold = sum(any(10 * sum(p.inputs["matches"][:j]) % p.inputs["n_gt"] == 0 and sum(p.inputs["matches"][:j])
                           for j in range(1, len(p.inputs["matches"]) + 1)) for p in ps)
    assert on_threshold > 0.3 * len(ps)  # a recall lands exactly on some r = i/10
    assert sum(not p.inputs["matches"][0] for p in ps) > 0.15 * len(ps)
    assert sum(p.inputs["n_gt"] > sum(p.inputs["matches"]) for p in ps) > 0.3 * len(ps)  # recall never reaches 1


def test_pr_known_values() -> None:
    # TP FP TP with G = 4: precisions 1, 1/2, 2/3 at recalls 1/4, 1/4, 1/2
    # r = 0, .1, .2 → 1; r = .3, .4, .5 → 2/3; r ≥ .6 → 0; AP = (3 + 2) / 11
    assert PR.ap11([True, False, True], 4)[0] == Fraction(5, 11)
    # recall exactly 3/10 must reach r = 0.3: AP = 4/11, not 3/11
    assert PR.ap11([True, True, True], 10)[0] == Fraction(4, 11)
    assert PR.ap11([True] * 5, 5)[0] == 1
    assert PR.ap11([False, False, True], 1)[0] == Fraction(1, 3)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=14), st.integers(0, 6))
def test_pr_ap_matches_the_envelope_on_random_rankings(matches: list[bool], extra: int) -> None:
    n_gt = max(1, sum(matches) + extra)
    ap, terms = PR.ap11(matches, n_gt)
    assert ap == ap11_by_envelope(matches, n_gt)
    assert terms == sorted(terms, reverse=True) and 0 <= ap <= 1
    points = PR.pr_points(matches, n_gt)
    for k in range(1, len(matches) + 1):
        assert points[k - 1] == (Fraction(matches[:k].count(True), k), Fraction(matches[:k].count(True), n_gt))
