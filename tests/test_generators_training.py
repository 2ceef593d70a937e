"""The training-practice families (Adam, SGD with momentum, k-means, confusion-matrix metrics):
every reference solver checked against an independent implementation (other formulation, closed
form, brute force with Fractions) on thousands of instances, edge cases included, and the generated
problems against it. The contract every family keeps is checked in test_generators_contract.py."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

import numpy as np
import pytest
from conftest import generator_module
from hypothesis import given, settings
from hypothesis import strategies as st

from ankibuild.problem import Problem

SEEDS = range(300)


@cache
def problems(name: str) -> tuple[Problem, ...]:
    family = generator_module(name)
    return tuple(family.generate(np.random.default_rng([seed, 0])) for seed in SEEDS)


# --- Adam ------------------------------------------------------------------------------------------


def adam_history(theta0: float, grads: list[float], lr: float, b1: float, b2: float, eps: float) -> list[dict]:
    """Adam from zero moments over a gradient history, in the paper's 'efficient' form: moments as
    explicit weighted sums, step size α√(1−β2^t)/(1−β1^t) and ε scaled by √(1−β2^t)."""
    theta, out = theta0, []
    for t in range(1, len(grads) + 1):
        m = (1 - b1) * sum(b1 ** (t - i) * g for i, g in enumerate(grads[:t], 1))
        v = (1 - b2) * sum(b2 ** (t - i) * g * g for i, g in enumerate(grads[:t], 1))
        correction = math.sqrt(1 - b2**t)
        theta = theta - lr * correction / (1 - b1**t) * m / (math.sqrt(v) + eps * correction)
        out.append({"theta": theta, "m": m, "v": v, "m_hat": m / (1 - b1**t), "v_hat": v / (1 - b2**t)})
    return out


def check_adam_step(theta0: float, grads: list[float], lr: float, b1: float, b2: float, eps: float) -> None:
    adam = generator_module("adam")
    history = adam_history(theta0, grads, lr, b1, b2, eps)
    t = len(grads)
    before = history[t - 2] if t > 1 else {"theta": theta0, "m": 0.0, "v": 0.0}
    got = adam.adam_step(*(Fraction(x) for x in (before["theta"], grads[-1], before["m"], before["v"])), t,
                         *(Fraction(x) for x in (lr, b1, b2, eps)))
    for key in ("theta", "m", "v", "m_hat", "v_hat"):
        assert float(got[key]) == pytest.approx(history[-1][key], rel=1e-9, abs=1e-12), key


@settings(max_examples=400, deadline=None)
@given(theta0=st.floats(-10, 10), grads=st.lists(st.floats(-20, 20), min_size=1, max_size=3),
       lr=st.sampled_from([0.001, 0.05, 0.1, 0.5]), b1=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
       b2=st.sampled_from([0.9, 0.99, 0.999]), eps=st.sampled_from([1e-8, 1e-3, 0.1, 1.0]))
def test_adam_step_matches_recurrence_from_zero(theta0, grads, lr, b1, b2, eps) -> None:
    check_adam_step(theta0, grads, lr, b1, b2, eps)


def test_adam_step_matches_recurrence_on_thousands() -> None:
    rng = np.random.default_rng(1)
    for _ in range(3000):
        t = int(rng.integers(1, 4))
        check_adam_step(float(rng.uniform(-5, 5)), [float(g) for g in rng.normal(0, 3, t)],
                        float(rng.choice([0.05, 0.1, 0.2])), float(rng.uniform(0, 0.99)),
                        float(rng.uniform(0.5, 0.9999)), float(rng.choice([1e-8, 0.1])))


# --- SGD with momentum -----------------------------------------------------------------------------


def momentum_other_form(a: Fraction, c: Fraction, w0: Fraction, lr: Fraction, mu: Fraction, steps: int) -> list[Fraction]:
    """The other common form, exactly: u ← μu − ηg, w ← w + u (u = −ηv of the PyTorch form)."""
    w, u, ws = w0, Fraction(0), []
    for _ in range(steps):
        u = mu * u - lr * 2 * a * (w - c)
        w = w + u
        ws.append(w)
    return ws


def momentum_closed_form(a: Fraction, c: Fraction, w0: Fraction, lr: Fraction, mu: Fraction, steps: int) -> Fraction:
    """On a quadratic the error e = w − c and the velocity evolve linearly: (e, v)_k = M^k (e0, 0)."""
    matrix = ((1 - 2 * a * lr, -lr * mu), (2 * a, mu))
    power = ((Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))
    for _ in range(steps):
        power = tuple(tuple(sum(power[r][k] * matrix[k][col] for k in range(2)) for col in range(2)) for r in range(2))
    return c + power[0][0] * (w0 - c)


def check_momentum(a: float, c: float, w0: float, lr: float, mu: float, steps: int) -> None:
    exact = [Fraction(repr(x)) for x in (a, c, w0, lr, mu)]
    rows = generator_module("momentum").momentum_run(*exact, steps)
    assert [row["w"] for row in rows] == momentum_other_form(*exact, steps)
    assert rows[-1]["w"] == momentum_closed_form(*exact, steps)


@settings(max_examples=400, deadline=None)
@given(a=st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0]), c=st.integers(-5, 5), w0=st.integers(-8, 8),
       lr=st.sampled_from([0.01, 0.05, 0.1, 0.2, 0.25, 0.5]), mu=st.sampled_from([0.0, 0.5, 0.8, 0.9, 0.99]),
       steps=st.integers(1, 5))
def test_momentum_matches_other_form_and_closed_form(a, c, w0, lr, mu, steps) -> None:
    check_momentum(a, c, w0, lr, mu, steps)


def test_momentum_on_thousands() -> None:
    rng = np.random.default_rng(2)
    for _ in range(2000):
        check_momentum(*(round(float(x), 2) for x in (rng.uniform(0.1, 3), rng.uniform(-5, 5), rng.uniform(-9, 9),
                                                      rng.uniform(0.01, 0.3), rng.uniform(0, 0.99))),
                       int(rng.integers(1, 6)))


def test_momentum_problems_state_their_convention() -> None:
    for problem in problems("momentum"):
        assert "v_k = \\mu v_{k-1} + g_k" in problem.question, "the convention is on the card"


# --- k-means ---------------------------------------------------------------------------------------


def lloyd_brute(points: list[list[int]], centroids: list[list[Fraction]]) -> tuple[list[int], list[list[Fraction]]]:
    """Python loops and Fractions: strict '<' keeps the first (lowest-numbered) of tied centroids."""
    assign = []
    for px, py in points:
        best, best_d = -1, None
        for j, (cx, cy) in enumerate(centroids):
            d = (Fraction(px) - cx) ** 2 + (Fraction(py) - cy) ** 2
            if best_d is None or d < best_d:
                best, best_d = j, d
        assign.append(best)
    new = []
    for j, old in enumerate(centroids):
        members = [p for p, a in zip(points, assign) if a == j]
        new.append([sum((Fraction(p[d]) for p in members), Fraction(0)) / len(members) for d in (0, 1)]
                   if members else list(old))
    return assign, new


def check_kmeans(points: list[list[int]], centroids: list[list[int]]) -> None:
    got = generator_module("kmeans").lloyd_step(points, centroids)
    assign, new = lloyd_brute(points, [[Fraction(x) for x in q] for q in centroids])
    assert got["assign"] == assign
    assert got["centroids"] == new


coords = st.lists(st.integers(0, 8), min_size=2, max_size=2)


@settings(max_examples=600, deadline=None)
@given(points=st.lists(coords, min_size=1, max_size=10), centroids=st.lists(coords, min_size=1, max_size=3))
def test_kmeans_matches_brute_force(points, centroids) -> None:
    check_kmeans(points, centroids)


@pytest.mark.parametrize(("points", "centroids", "assign"), [
    ([[1, 1]], [[0, 1], [2, 1]], [0]),  # tie: the lower-numbered centroid
    ([[1, 1]], [[2, 1], [0, 1]], [0]),
    ([[3, 3]], [[9, 9], [3, 5], [5, 3]], [1]),  # C2 and C3 tie: C2
    ([[3, 3]], [[1, 3], [3, 1], [5, 3]], [0]),  # three-way tie
    ([[0, 0], [1, 0]], [[0, 1], [8, 8]], [0, 0]),  # C2 empty: stays
])
def test_kmeans_edge_cases(points, centroids, assign) -> None:
    check_kmeans(points, centroids)
    assert generator_module("kmeans").lloyd_step(points, centroids)["assign"] == assign


def test_kmeans_problems() -> None:
    ties = empties = 0
    for problem in problems("kmeans"):
        points, centroids = problem.inputs["points"], problem.inputs["centroids"]
        assert 6 <= len(points) <= 10 and 2 <= len(centroids) <= 3
        assert len({tuple(p) for p in points + centroids}) == len(points) + len(centroids), "distinct markers"
        assign, _ = lloyd_brute(points, [[Fraction(x) for x in q] for q in centroids])
        assert problem.answer["assignment"] == [a + 1 for a in assign]
        d2 = [[(px - cx) ** 2 + (py - cy) ** 2 for cx, cy in centroids] for px, py in points]
        ties += any(row.count(min(row)) > 1 for row in d2)
        empties += len(set(assign)) < len(centroids)
        assert "lower-numbered" in problem.question and "stays" in problem.question
    assert ties >= 30 and empties >= 20, (ties, empties)


# --- confusion-matrix metrics ----------------------------------------------------------------------


def metrics_by_counting(matrix: list[list[int]], positive: int | None) -> dict[str, Fraction]:
    """Expand the matrix into (actual, predicted) pairs and count; 0/0 is 0. F1 = 2TP/(2TP+FP+FN)."""
    pairs = [(a, p) for a, row in enumerate(matrix) for p, n in enumerate(row) for _ in range(n)]
    classes = [positive] if positive is not None else list(range(len(matrix)))

    def ratio(n: int, d: int) -> Fraction:
        return Fraction(n, d) if d else Fraction(0)

    per = []
    for c in classes:
        tp = sum(1 for a, p in pairs if a == c and p == c)
        predicted = sum(1 for _, p in pairs if p == c)
        actual = sum(1 for a, _ in pairs if a == c)
        per.append((ratio(tp, predicted), ratio(tp, actual), ratio(2 * tp, predicted + actual)))
    return {"precision": sum(x[0] for x in per) / len(per), "recall": sum(x[1] for x in per) / len(per),
            "f1": sum(x[2] for x in per) / len(per), "accuracy": ratio(sum(a == p for a, p in pairs), len(pairs))}


def check_confusion(matrix: list[list[int]], positive: int | None) -> None:
    got = generator_module("confusion").scores(matrix, positive)
    expected = metrics_by_counting(matrix, positive)
    assert got == expected


@settings(max_examples=500, deadline=None)
@given(data=st.data(), k=st.sampled_from([2, 3]))
def test_confusion_matches_counting(data, k) -> None:
    matrix = data.draw(st.lists(st.lists(st.integers(0, 12), min_size=k, max_size=k), min_size=k, max_size=k))
    positive = data.draw(st.sampled_from([0, 1])) if k == 2 else None
    check_confusion(matrix, positive)


@pytest.mark.parametrize(("matrix", "positive"), [
    ([[0, 5], [0, 7]], 0),  # nothing predicted positive: P = 0/0
    ([[7, 0], [5, 0]], 1),
    ([[0, 0], [3, 9]], 0),  # no actual positives: R = 0/0, F1 = 0
    ([[0, 0], [0, 0]], 0),  # empty matrix: everything 0/0
    ([[4, 0, 3], [1, 0, 2], [0, 0, 5]], None),  # a class never predicted
])
def test_confusion_edge_cases(matrix, positive) -> None:
    check_confusion(matrix, positive)


def test_confusion_problems() -> None:
    zero_precision = macro = 0
    for problem in problems("confusion"):
        matrix, positive = problem.inputs["matrix"], problem.inputs["positive"]
        assert "rows are the actual class" in problem.question and "zero denominator" in problem.question
        zero_precision += positive is not None and sum(row[positive] for row in matrix) == 0
        macro += positive is None
    assert zero_precision >= 10 and macro >= 50, (zero_precision, macro)
