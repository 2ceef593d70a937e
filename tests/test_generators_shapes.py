"""The softmax, conv-shape, transposed-conv and separable-conv practice families: every answer is
checked against an independent implementation (loops, brute-force convolutions, exact fractions).
The contract every family keeps (plain deterministic data, the result first, figures laid out
without clipped or overlapping labels) is checked in test_generators_contract.py."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import generator_module
from hypothesis import example, given, settings
from hypothesis import strategies as st

SEEDS = range(300)


def problem(name: str, seed: int):
    return generator_module(name).generate(np.random.default_rng([seed, 0]))


# ---------------------------------------------------------------- softmax and cross-entropy


def softmax_by_hand(logits: list[float], label: int) -> tuple[list[float], float]:
    """Plain-Python softmax: shift by the max, normalise with fsum; the loss as -ln p_y, falling back
    to the log-sum-exp form only when p_y underflows."""
    top = max(logits)
    weights = [math.exp(z - top) for z in logits]
    total = math.fsum(weights)
    probs = [w / total for w in weights]
    loss = -math.log(probs[label]) if probs[label] > 1e-300 else math.log(total) - (logits[label] - top)
    return probs, loss


logit_lists = st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(logits=logit_lists, data=st.data())
@example(logits=[2.0, 2.0, 2.0], data=None)
@example(logits=[1000.0, 999.0, 998.5], data=None)
@example(logits=[-1000.0, -1000.5, -999.9], data=None)
@example(logits=[800.0, -800.0], data=None)
def test_softmax_matches_plain_python(logits: list[float], data) -> None:
    label = data.draw(st.integers(0, len(logits) - 1)) if data else 0
    probs, loss = generator_module("softmax").softmax_cross_entropy(logits, label)
    want_probs, want_loss = softmax_by_hand(logits, label)
    assert probs == pytest.approx(want_probs, rel=1e-9, abs=1e-12)
    assert loss == pytest.approx(want_loss, rel=1e-9, abs=1e-9)
    assert math.fsum(probs) == pytest.approx(1.0)


def test_softmax_matches_plain_python_on_many_random_vectors() -> None:
    """Thousands more instances than Hypothesis has time for: moderate, shifted far up or down, tied."""
    solve, rng = generator_module("softmax").softmax_cross_entropy, np.random.default_rng(1)
    for _ in range(3000):
        logits = rng.normal(0, 3, size=rng.integers(2, 7)).round(rng.integers(0, 3)) + rng.choice([0, 0, 90, -700])
        logits = [float(z) for z in logits]
        label = int(rng.integers(len(logits)))
        probs, loss = solve(logits, label)
        want_probs, want_loss = softmax_by_hand(logits, label)
        assert probs == pytest.approx(want_probs, rel=1e-9, abs=1e-12)
        assert loss == pytest.approx(want_loss, rel=1e-9, abs=1e-9)


def test_softmax_edge_cases() -> None:
    solve = generator_module("softmax").softmax_cross_entropy
    probs, loss = solve([1.5] * 4, 2)  # equal logits: uniform
    assert probs == pytest.approx([0.25] * 4) and loss == pytest.approx(math.log(4))
    probs, loss = solve([1000.0, 1000.0], 0)  # exp(1000) overflows unless the max is subtracted
    assert probs == pytest.approx([0.5, 0.5]) and loss == pytest.approx(math.log(2))
    probs, loss = solve([-3.0, -1.0, -2.0], 0)
    assert loss == pytest.approx(2 + math.log(1 + math.exp(-2) + math.exp(-1)))


def test_softmax_problems() -> None:
    for seed in SEEDS:
        p = problem("softmax", seed)
        logits, label = p.inputs["logits"], p.inputs["label"]
        probs, loss = softmax_by_hand(logits, label)
        assert all(abs(a - b) <= 0.0005 + 1e-12 for a, b in zip(p.answer["probs"], probs))
        assert abs(p.answer["loss"] - loss) <= 0.0005 + 1e-12
        assert f"{p.answer['loss']:.3f}" in p.solution.split("\n")[0]
        assert ", ".join(f"{q:.3f}" for q in p.answer["probs"]) in p.solution.split("\n")[0]
        assert f"z = ({', '.join(f'{z:.1f}' for z in logits)})" in p.question
        assert p.answer_figure.args["logits"] == logits and p.answer_figure.args["label"] == label


# ---------------------------------------------------------------- conv and pooling output shape


def count_windows(n: int, k: int, s: int, p: int, d: int) -> int:
    """Slide a dilated kernel over the padded row, one stride at a time, and count where it fits."""
    count, start = 0, 0
    while start + d * (k - 1) <= n + 2 * p - 1:
        count, start = count + 1, start + s
    return count


def test_conv_out_counts_windows_exhaustively() -> None:
    conv_out = generator_module("conv_shape").conv_out
    for n in range(1, 50):
        for k in range(1, 8):
            for s in range(1, 5):
                for p in range(4):
                    for d in range(1, 4):
                        count = count_windows(n, k, s, p, d)
                        if count:
                            assert conv_out(n, k, s, p, d) == count, (n, k, s, p, d)
                        else:  # the formula says so too: no valid layer is lost or invented
                            assert conv_out(n, k, s, p, d) <= 0, (n, k, s, p, d)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 512), st.integers(1, 11), st.integers(1, 6), st.integers(0, 5), st.integers(1, 4))
def test_conv_out_counts_windows_for_large_inputs(n: int, k: int, s: int, p: int, d: int) -> None:
    assert max(generator_module("conv_shape").conv_out(n, k, s, p, d), 0) == count_windows(n, k, s, p, d)


def test_conv_shape_problems() -> None:
    for seed in SEEDS:
        p = problem("conv_shape", seed)
        i = p.inputs
        k, s, pad, d = i["k"], i["s"], i["p"], i["d"]
        channels = i["c_out"] if i["kind"] == "conv" else i["c"]
        want = [channels, count_windows(i["h"], k, s, pad, d), count_windows(i["w"], k, s, pad, d)]
        assert p.answer["shape"] == want and min(want) >= 1
        if i["kind"] != "conv":
            assert pad <= k // 2 and d == 1, "PyTorch refuses pooling padding over k/2"
        assert f"**$[{want[0]}, {want[1]}, {want[2]}]$**" in p.solution
        assert f"[{i['c']}, {i['h']}, {i['w']}]" in p.question
        args = p.answer_figure.args
        assert (args["n"], args["k"], args["s"], args["p"], args["d"], args["out"]) == (i["w"], k, s, pad, d, want[2])


# ---------------------------------------------------------------- transposed convolution


def transposed_conv_1d(x: np.ndarray, kernel: np.ndarray, s: int, p: int, o: int, d: int) -> np.ndarray:
    """Scatter a scaled kernel copy from each input cell, s cells apart; crop p cells from each end;
    append o cells (PyTorch takes them from the cropped tail, zeros beyond it)."""
    positions = [(i * s + j * d, x[i] * kernel[j]) for i in range(len(x)) for j in range(len(kernel))]
    full = np.zeros(max(pos for pos, _ in positions) + 1 + o)
    for pos, value in positions:
        full[pos] += value
    stamped = len(full) - o
    return full[p:stamped - p + o] if stamped - 2 * p + o > 0 else full[:0]


def conv_1d(y: np.ndarray, kernel: np.ndarray, s: int, p: int, d: int) -> np.ndarray:
    """A plain strided, dilated, zero-padded correlation, written as gathers."""
    padded = np.concatenate([np.zeros(p), y, np.zeros(p)])
    starts = range(0, len(padded) - d * (len(kernel) - 1), s)
    return np.array([sum(padded[t + j * d] * kernel[j] for j in range(len(kernel))) for t in starts])


def check_transposed(n: int, k: int, s: int, p: int, o: int, d: int, rng: np.random.Generator) -> None:
    expected = generator_module("transposed_conv").transposed_out(n, k, s, p, o, d)
    x, kernel = rng.normal(size=n), rng.normal(size=k)
    out = transposed_conv_1d(x, kernel, s, p, o, d)
    if expected < 1:
        assert len(out) == 0
        return
    assert len(out) == expected, (n, k, s, p, o, d)
    if o < s:  # the inverse relation, and the transposed conv is the adjoint of the conv
        assert count_windows(expected, k, s, p, d) == n
        y = rng.normal(size=expected)
        assert np.dot(conv_1d(y, kernel, s, p, d), x) == pytest.approx(np.dot(y, out), rel=1e-9, abs=1e-9)


def test_transposed_out_matches_brute_force_exhaustively() -> None:
    rng = np.random.default_rng(0)
    for n in range(1, 9):
        for k in range(1, 6):
            for s in range(1, 4):
                for d in range(1, 3):
                    for p in range(0, d * (k - 1) // 2 + 2):
                        for o in range(max(s, d)):
                            check_transposed(n, k, s, p, o, d, rng)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(1, 3), st.data())
def test_transposed_out_matches_brute_force_for_larger_inputs(n: int, k: int, s: int, d: int, data) -> None:
    p = data.draw(st.integers(0, d * (k - 1)))
    o = data.draw(st.integers(0, max(s, d) - 1))
    check_transposed(n, k, s, p, o, d, np.random.default_rng(n))


def test_transposed_conv_problems() -> None:
    for seed in SEEDS:
        p = problem("transposed_conv", seed)
        i = p.inputs
        assert i["o"] < max(i["s"], i["d"]), "PyTorch requires output_padding < stride or dilation"
        rng = np.random.default_rng(seed)
        sizes = [len(transposed_conv_1d(rng.normal(size=n), np.ones(i["k"]), i["s"], i["p"], i["o"], i["d"]))
                 for n in (i["h"], i["w"])]
        assert p.answer["size"] == sizes and min(sizes) >= 1
        assert f"**${sizes[0]} \\times {sizes[1]}$**" in p.solution
        assert f"${i['h']} \\times {i['w']}$" in p.question
        assert p.answer_figure.args == {"n": i["w"], **{key: i[key] for key in "kspod"}, "out": sizes[1]}


# ---------------------------------------------------------------- depthwise-separable convolution


class Counter:
    """Counts multiply-adds as a convolution is computed with loops."""

    def __init__(self) -> None:
        self.madds = 0

    def mac(self, acc: float, a: float, b: float) -> float:
        self.madds += 1
        return acc + a * b


def standard_conv(x: np.ndarray, w: np.ndarray, counter: Counter) -> np.ndarray:
    """'Same' convolution (odd kernel, stride 1) of x[M, F, F] with w[N, M, K, K], by loops."""
    m, f, _ = x.shape
    n, _, k, _ = w.shape
    padded = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2)))
    out = np.zeros((n, f, f))
    for o in range(n):
        for r in range(f):
            for c in range(f):
                for i in range(m):
                    for u in range(k):
                        for v in range(k):
                            out[o, r, c] = counter.mac(out[o, r, c], padded[i, r + u, c + v], w[o, i, u, v])
    return out


def depthwise_conv(x: np.ndarray, w: np.ndarray, counter: Counter) -> np.ndarray:
    """Each channel of x[M, F, F] with its own kernel w[M, K, K]."""
    return np.stack([standard_conv(x[i:i + 1], w[i][None, None], counter)[0] for i in range(len(x))])


def pointwise_conv(x: np.ndarray, w: np.ndarray, counter: Counter) -> np.ndarray:
    """A 1×1 convolution with w[N, M]."""
    return standard_conv(x, w[:, :, None, None], counter)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4), st.sampled_from([1, 3, 5]))
@example(1, 1, 1, 1)
def test_separable_costs_match_counted_convolutions(d_f: int, m: int, n: int, d_k: int) -> None:
    rng = np.random.default_rng(d_f * 1000 + m * 100 + n * 10 + d_k)
    x, depth, point = rng.normal(size=(m, d_f, d_f)), rng.normal(size=(m, d_k, d_k)), rng.normal(size=(n, m))
    standard, separable = Counter(), Counter()
    full = depth[None, :, :, :] * point[:, :, None, None]  # the standard kernel the separable pair factorises
    result = standard_conv(x, full, standard)
    assert np.allclose(pointwise_conv(depthwise_conv(x, depth, separable), point, separable), result)
    costs = generator_module("separable_conv").separable_costs(d_f, m, n, d_k)
    assert costs["standard_madds"] == standard.madds
    assert costs["separable_madds"] == separable.madds
    assert costs["standard_weights"] == full.size
    assert costs["separable_weights"] == depth.size + point.size


def test_separable_conv_problems() -> None:
    for seed in SEEDS:
        p = problem("separable_conv", seed)
        d_f, m, n, d_k = (p.inputs[key] for key in ("d_f", "m", "n", "d_k"))
        outputs = d_f * d_f * n  # each standard output value: D_K² M multiply-adds
        want = {"standard_weights": n * m * d_k * d_k, "separable_weights": m * (d_k * d_k + n),
                "standard_madds": outputs * d_k * d_k * m,
                "separable_madds": d_f * d_f * m * d_k * d_k + outputs * m}
        ratio = Fraction(1, n) + Fraction(1, d_k * d_k)
        assert Fraction(want["separable_madds"], want["standard_madds"]) == ratio
        assert Fraction(want["separable_weights"], want["standard_weights"]) == ratio
        assert {key: p.answer[key] for key in want} == want
        assert abs(p.answer["ratio"] - float(ratio)) <= 0.00005 + 1e-12
        head = p.solution.split("\n")[0]
        for key in want:
            assert f"${want[key]:,}$".replace(",", "{,}") in head
        assert f"{p.answer['ratio']:.4f}" in head
