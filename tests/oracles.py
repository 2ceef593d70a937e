"""Independent solvers for every practice family, shared by the tests (a few hundred problems per
family) and bench/oracle_bench.py (10,000 per family).

Each oracle recomputes a problem's answer from its inputs another way (cell counting, brute force,
another formulation, Decimal at 100 digits instead of the generators' Fractions) and rounds with
decimal.ROUND_HALF_UP, not with the generators' formatter; it raises AssertionError on any
difference, so an exact half rounded the wrong way fails. `HALVES` counts the exact halves met.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from itertools import product

from ankibuild.problem import Problem

PRECISION = 100
HALVES: Counter[str] = Counter()  # family -> exact halves checked


def decimal(x: Fraction | Decimal | int | float | str) -> Decimal:
    """x as a Decimal at 100 digits (exact when x is a decimal; a float is taken as its repr)."""
    if isinstance(x, float):
        return Decimal(repr(x))
    if isinstance(x, Fraction):
        with localcontext(Context(prec=PRECISION)):
            return Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(x)


def half_up(x: Fraction | Decimal | int, places: int, family: str = "") -> str:
    """x to `places` decimals, halves away from zero (decimal's ROUND_HALF_UP); no '-0.00'."""
    d = decimal(x)
    if family and (d * Decimal(10) ** places) % 1 in (Decimal("0.5"), Decimal("-0.5")):
        HALVES[family] += 1
    text = str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and Decimal(text) == 0 else text


def sig_half_up(x: Fraction | Decimal, figures: int, family: str = "") -> str:
    """x to `figures` significant figures, halves away from zero, trailing zeros kept."""
    d = decimal(x)
    if d == 0:
        return "0"
    rounded = Context(prec=figures, rounding=ROUND_HALF_UP).plus(d)
    places = figures - 1 - rounded.adjusted()
    if family and (d.scaleb(places)) % 1 in (Decimal("0.5"), Decimal("-0.5")):
        HALVES[family] += 1
    return format(rounded.quantize(Decimal(1).scaleb(-places)), "f")


def same(shown: float, text: str, where: str) -> None:
    assert shown == float(text), f"{where}: card says {shown}, oracle {text}"


# --- detection -----------------------------------------------------------------------------------

def cells(box: list[int]) -> set[tuple[int, int]]:
    x1, y1, x2, y2 = box
    return set(product(range(x1, x2), range(y1, y2)))


def iou_by_cells(a: list[int], b: list[int]) -> Fraction:
    ca, cb = cells(a), cells(b)
    return Fraction(len(ca & cb), len(ca | cb))


def check_iou(p: Problem) -> None:
    a, b = p.inputs["a"], p.inputs["b"]
    shown = half_up(iou_by_cells(a, b), 2, "iou")
    same(p.answer["iou"], shown, "iou")
    assert p.answer["intersection"] == len(cells(a) & cells(b)) and p.answer["union"] == len(cells(a) | cells(b))
    assert f"**IoU = {shown}**" in p.solution


def nms_recursive(boxes: dict[str, list[int]], scores: dict[str, Decimal], t: Fraction) -> list[str]:
    """Keep the best box (score, then name), drop what overlaps it by more than t, repeat on the rest."""
    if not boxes:
        return []
    best = min(boxes, key=lambda k: (-scores[k], k))
    rest = {k: b for k, b in boxes.items() if k != best and iou_by_cells(boxes[best], b) <= t}
    return [best, *nms_recursive(rest, scores, t)]


def check_nms(p: Problem) -> None:
    boxes, t = p.inputs["boxes"], Fraction(repr(p.inputs["threshold"]))
    kept = sorted(nms_recursive(boxes, {k: decimal(v) for k, v in p.inputs["scores"].items()}, t))
    assert p.answer["kept"] == kept and p.answer["suppressed"] == sorted(set(boxes) - set(kept))
    for a, b in ((a, b) for a in sorted(boxes) for b in sorted(boxes) if a < b):
        value = iou_by_cells(boxes[a], boxes[b])
        if value:
            assert f"{a}–{b} {half_up(value, 2, 'nms')}" in p.question


def ap11_by_envelope(matches: list[bool], n_gt: int) -> Fraction:
    """Precision envelope from the right, then for each threshold r = i/10 the first rank whose recall
    reaches it, tested in integers (10·TP ≥ i·G): a recall exactly at a threshold counts."""
    tps = [sum(matches[:k + 1]) for k in range(len(matches))]
    precision = [Fraction(tp, k + 1) for k, tp in enumerate(tps)]
    envelope = precision[:]
    for k in range(len(envelope) - 2, -1, -1):
        envelope[k] = max(envelope[k], envelope[k + 1])
    total = Fraction(0)
    for i in range(11):
        first = next((k for k, tp in enumerate(tps) if 10 * tp >= i * n_gt), None)
        total += envelope[first] if first is not None else 0
    return total / 11


def check_precision_recall(p: Problem) -> None:
    matches, n_gt, k = p.inputs["matches"], p.inputs["n_gt"], p.inputs["k"]
    tp = sum(matches[:k])
    expected = {"precision_at_k": Fraction(tp, k), "recall_at_k": Fraction(tp, n_gt),
                "ap11": ap11_by_envelope(matches, n_gt)}
    for key, x in expected.items():
        same(p.answer[key], half_up(x, 3, "precision_recall"), key)
    assert f"AP = {half_up(expected['ap11'], 3)}**" in p.solution


# --- classification and shapes -------------------------------------------------------------------

def check_softmax(p: Problem) -> None:
    """p_i = 1 / Σ_j e^(z_j − z_i) and loss = ln Σ_j e^(z_j − z_y), in Decimal at 100 digits."""
    z, y = [decimal(v) for v in p.inputs["logits"]], p.inputs["label"]
    with localcontext(Context(prec=PRECISION)):
        probs = [1 / sum((zj - zi).exp() for zj in z) for zi in z]
        loss = sum((zj - z[y]).exp() for zj in z).ln()
    for shown, x in zip(p.answer["probs"], probs, strict=True):
        same(shown, half_up(x, 3, "softmax"), "p")
    same(p.answer["loss"], half_up(loss, 3, "softmax"), "loss")


def windows(n: int, k: int, s: int, p: int, d: int) -> int:
    """Kernel windows that fit in the padded row, counted by sliding."""
    return sum(1 for start in range(0, n + 2 * p, s) if start + d * (k - 1) < n + 2 * p)


def check_conv_shape(p: Problem) -> None:
    i = p.inputs
    c_out = i["c_out"] if i["kind"] == "conv" else i["c"]
    assert p.answer["shape"] == [c_out, *(windows(n, i["k"], i["s"], i["p"], i["d"]) for n in (i["h"], i["w"]))]


def stamped_length(n: int, k: int, s: int, p: int, o: int, d: int) -> int:
    """Scatter every input cell's kernel taps, then crop p at the start and p − o at the end."""
    taps = {i * s + j * d for i in range(n) for j in range(k)}
    return max(taps) + 1 - 2 * p + o


def check_transposed_conv(p: Problem) -> None:
    i = p.inputs
    assert p.answer["size"] == [stamped_length(n, i["k"], i["s"], i["p"], i["o"], i["d"]) for n in (i["h"], i["w"])]


def check_separable_conv(p: Problem) -> None:
    i = p.inputs
    d_f, m, n, d_k = i["d_f"], i["m"], i["n"], i["d_k"]
    standard = d_k * d_k * m * n
    separable = d_k * d_k * m + m * n
    assert (p.answer["standard_weights"], p.answer["separable_weights"]) == (standard, separable)
    assert (p.answer["standard_madds"], p.answer["separable_madds"]) == (standard * d_f**2, separable * d_f**2)
    same(p.answer["ratio"], half_up(Fraction(1, n) + Fraction(1, d_k * d_k), 4, "separable_conv"), "ratio")


# --- training ------------------------------------------------------------------------------------

def check_kmeans(p: Problem) -> None:
    points, centroids = p.inputs["points"], p.inputs["centroids"]
    assign = []
    for px, py in points:  # strict '<': the first of tied centroids wins
        best = 0
        for j, (cx, cy) in enumerate(centroids):
            if (px - cx) ** 2 + (py - cy) ** 2 < (px - centroids[best][0]) ** 2 + (py - centroids[best][1]) ** 2:
                best = j
        assign.append(best)
    assert p.answer["assignment"] == [a + 1 for a in assign]
    for j, shown in enumerate(p.answer["centroids"]):
        members = [q for q, a in zip(points, assign) if a == j]
        for d in (0, 1):
            x = Fraction(sum(q[d] for q in members), len(members)) if members else Fraction(centroids[j][d])
            same(shown[d], half_up(x, 2, "kmeans"), f"C{j + 1}")
    head = p.solution.split("\n")[0]
    for j, (x, y) in enumerate(p.answer["centroids"], 1):
        assert f"C_{j} \\to ({half_up(decimal(x), 2).rstrip('0').rstrip('.')}, " \
               f"{half_up(decimal(y), 2).rstrip('0').rstrip('.')})" in head


def check_adam(p: Problem) -> None:
    """PyTorch's update from the card's numbers, in Decimal at 100 digits."""
    i = p.inputs
    t = i["t"]
    theta, g, m0, v0, lr, b1, b2, eps = (decimal(i[key]) for key in
                                         ("theta", "g", "m_prev", "v_prev", "lr", "beta1", "beta2", "eps"))
    assert g == 2 * decimal(i["a"]) * (theta - i["c"]), "g is f'(θ) of the θ shown"
    with localcontext(Context(prec=PRECISION)):
        m = b1 * m0 + (1 - b1) * g
        v = b2 * v0 + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        expected = {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "theta": theta - lr * m_hat / (v_hat.sqrt() + eps)}
    for key, x in expected.items():
        same(p.answer[key], sig_half_up(x, 4, "adam"), key)
    assert f"**$\\theta_{t} = {sig_half_up(expected['theta'], 4)}$**" in p.solution
    assert abs(expected["theta"] - theta) >= Decimal("0.01"), "the step shows at 4 significant figures"


def check_momentum(p: Problem) -> None:
    """The other common form, exactly: u ← μu − ηg, w ← w + u (u = −ηv of PyTorch's)."""
    i = p.inputs
    a, c, w, lr, mu = (Fraction(repr(i[key])) if isinstance(i[key], float) else Fraction(i[key])
                       for key in ("a", "c", "w0", "lr", "mu"))
    u, ws = Fraction(0), []
    for _ in range(i["steps"]):
        u = mu * u - lr * 2 * a * (w - c)
        w += u
        ws.append(w)
    same(p.answer["w"], half_up(ws[-1], 4, "momentum"), "w")
    assert f"**$w_{i['steps']} = {half_up(ws[-1], 4).rstrip('0').rstrip('.')}$**" in p.solution
    for row, x in zip(p.answer["rows"], ws, strict=True):
        same(row["w"], half_up(x, 4), "row w")


def check_confusion(p: Problem) -> None:
    """Expand the matrix into (actual, predicted) pairs and count; 0/0 is 0; F1 = 2TP/(2TP+FP+FN)."""
    matrix, positive = p.inputs["matrix"], p.inputs["positive"]
    pairs = [(a, q) for a, row in enumerate(matrix) for q, n in enumerate(row) for _ in range(n)]

    def ratio(n: int, d: int) -> Fraction:
        return Fraction(n, d) if d else Fraction(0)

    per = []
    for c in ([positive] if positive is not None else range(len(matrix))):
        tp = sum(a == q == c for a, q in pairs)
        predicted, actual = sum(q == c for _, q in pairs), sum(a == c for a, _ in pairs)
        per.append((ratio(tp, predicted), ratio(tp, actual), ratio(2 * tp, predicted + actual)))
    expected = {key: sum(x[k] for x in per) / len(per) for k, key in enumerate(("precision", "recall", "f1"))}
    expected["accuracy"] = ratio(sum(a == q for a, q in pairs), len(pairs))
    for key, x in expected.items():
        same(p.answer[key], half_up(x, 3, "confusion"), key)
    for row in matrix:
        assert " | ".join(str(n) for n in row) in p.question, "the counts are in the question text"
    prefix = "macro-" if positive is None else ""
    head = p.solution.split("\n")[0]
    for label, key in (("P", "precision"), ("R", "recall"), ("F1", "f1")):
        assert f"{prefix}{label} = {half_up(expected[key], 3)}" in head


def check_dropout(p: Problem) -> None:
    """Training outputs by Decimal division; the expected sum by enumerating every mask with its probability."""
    x, mask, drop = [decimal(v) for v in p.inputs["x"]], p.inputs["mask"], Fraction(repr(p.inputs["p"]))
    with localcontext(Context(prec=PRECISION)):
        train = [v / (1 - decimal(drop)) if m else Decimal(0) for v, m in zip(x, mask)]
    for shown, v in zip(p.answer["train"], train, strict=True):
        same(shown, half_up(v, 3, "dropout"), "train")
    expected = Fraction(0)
    for kept in product((0, 1), repeat=len(x)):
        chance = math.prod((1 - drop) if k else drop for k in kept)
        expected += chance * sum(Fraction(v) / (1 - drop) for v, k in zip(x, kept) if k)
    same(p.answer["expected_sum"], half_up(expected, 3, "dropout"), "expected sum")
    assert p.answer["test"] == p.inputs["x"]
    for shown, v in zip(p.answer["classic_test"], x, strict=True):
        same(shown, half_up(v * (1 - decimal(drop)), 3, "dropout"), "classic test")


def check_receptive_field(p: Problem) -> None:
    """Walk back from one unit of the last layer: unit i of a layer reads units i·s + t·d (t < k) of the
    layer below. The field is the span of input pixels reached; the jump, how far unit 1's span is moved."""
    spans = []
    for last in (0, 1):
        reached = {last}
        for layer in reversed(p.inputs["layers"]):
            reached = {i * layer["s"] + t * layer["d"] for i in reached for t in range(layer["k"])}
        spans.append((min(reached), max(reached)))
    assert p.answer["receptive_field"] == spans[0][1] - spans[0][0] + 1
    assert p.answer["jump"] == spans[1][0] - spans[0][0]
    assert f"**Receptive field {p.answer['receptive_field']} pixels, jump {p.answer['jump']}**" in p.solution


def check_focal_loss(p: Problem) -> None:
    """−ln p_t and α_t(1 − p_t)^γ(−ln p_t), in Decimal at 100 digits."""
    gamma = p.inputs["gamma"]
    for k, (y, prob) in enumerate(zip(p.inputs["labels"], p.inputs["p"], strict=True)):
        with localcontext(Context(prec=PRECISION)):
            p_t = decimal(prob) if y == 1 else 1 - decimal(prob)
            ce = -p_t.ln()
            fl = (Decimal("0.25") if y == 1 else Decimal("0.75")) * (1 - p_t) ** gamma * ce
        same(p.answer["ce"][k], sig_half_up(ce, 4, "focal_loss"), "CE")
        same(p.answer["focal"][k], sig_half_up(fl, 4, "focal_loss"), "focal")


def check_batchnorm(p: Problem) -> None:
    """Batch statistics by the two-pass formula, the update as PyTorch documents it, in Decimal at 100 digits."""
    i = p.inputs
    x, gamma, beta = [Decimal(v) for v in i["x"]], decimal(i["gamma"]), decimal(i["beta"])
    eps, m, n = Decimal("1e-5"), Decimal("0.1"), len(i["x"])
    with localcontext(Context(prec=PRECISION)):
        mu = sum(x) / n
        biased = sum(v * v for v in x) / n - mu * mu
        unbiased = biased * n / (n - 1)
        y = [gamma * (v - mu) / (biased + eps).sqrt() + beta for v in x]
        mean = (1 - m) * decimal(i["running_mean"]) + m * mu
        var = (1 - m) * decimal(i["running_var"]) + m * unbiased
        y_eval = gamma * (i["x_eval"] - mean) / (var + eps).sqrt() + beta
    for shown, v in zip(p.answer["y"], y, strict=True):
        same(shown, half_up(v, 3, "batchnorm"), "y")
    same(p.answer["running_mean"], half_up(mean, 3, "batchnorm"), "running mean")
    same(p.answer["running_var"], half_up(var, 3, "batchnorm"), "running var")
    same(p.answer["y_eval"], half_up(y_eval, 3, "batchnorm"), "eval")


def check_attention(p: Problem) -> None:
    """softmax(QKᵀ/√d)V for the asked row, masked keys dropped; w_j = 1/Σ_i e^(s_i − s_j), in Decimal."""
    q, k, v, token = p.inputs["q"], p.inputs["k"], p.inputs["v"], p.inputs["token"]
    seen = token if p.inputs["masked"] else len(k)
    with localcontext(Context(prec=PRECISION)):
        scores = [Decimal(sum(a * b for a, b in zip(q[token - 1], key))) / Decimal(len(key)).sqrt() for key in k[:seen]]
        weights = [1 / sum((t - s).exp() for t in scores) for s in scores] + [Decimal(0)] * (len(k) - seen)
        output = [sum(w * row[c] for w, row in zip(weights, v)) for c in range(len(v[0]))]
    for shown, w in zip(p.answer["weights"], weights, strict=True):
        same(shown, half_up(w, 3, "attention"), "weight")
    for shown, o in zip(p.answer["output"], output, strict=True):
        same(shown, half_up(o, 3, "attention"), "output")


def check_segmentation_metrics(p: Problem) -> None:
    """IoU from the confusion matrix of the pixels, IoU_c = C_cc / (row_c + column_c − C_cc); Dice = 2 IoU/(1 + IoU)."""
    confusion = Counter((t, q) for rt, rq in zip(p.inputs["truth"], p.inputs["pred"]) for t, q in zip(rt, rq))
    ious = {}
    for c in (0, 1, 2):
        row = sum(n for (t, _), n in confusion.items() if t == c)
        column = sum(n for (_, q), n in confusion.items() if q == c)
        if row + column:
            ious[c] = Fraction(confusion[c, c], row + column - confusion[c, c])
    same(p.answer["iou_1"], half_up(ious[1], 3, "segmentation_metrics"), "IoU 1")
    same(p.answer["dice_1"], half_up(2 * ious[1] / (1 + ious[1]), 3, "segmentation_metrics"), "Dice 1")
    same(p.answer["miou"], half_up(sum(ious.values()) / len(ious), 3, "segmentation_metrics"), "mIoU")


def check_box_regression(p: Problem) -> None:
    """Encode and decode in Decimal at 100 digits, from corner coordinates."""
    (ax1, ay1, ax2, ay2), (gx1, gy1, gx2, gy2) = p.inputs["anchor"], p.inputs["truth"]
    wa, ha, w, h = ax2 - ax1, ay2 - ay1, gx2 - gx1, gy2 - gy1
    dx, dy, dw, dh = (decimal(d) for d in p.inputs["deltas"])
    with localcontext(Context(prec=PRECISION)):
        targets = [Decimal(gx1 + gx2 - ax1 - ax2) / (2 * wa), Decimal(gy1 + gy2 - ay1 - ay2) / (2 * ha),
                   (Decimal(w) / wa).ln(), (Decimal(h) / ha).ln()]
        x, y = Decimal(ax1 + ax2) / 2 + dx * wa, Decimal(ay1 + ay2) / 2 + dy * ha
        half_w, half_h = wa * dw.exp() / 2, ha * dh.exp() / 2
        decoded = [x - half_w, y - half_h, x + half_w, y + half_h]
    for shown, t in zip(p.answer["targets"], targets, strict=True):
        same(shown, half_up(t, 3, "box_regression"), "target")
    for shown, v in zip(p.answer["decoded"], decoded, strict=True):
        same(shown, half_up(v, 2, "box_regression"), "decoded")


def check_anchor_assignment(p: Problem) -> None:
    """torchvision's Matcher(0.7, 0.3, allow_low_quality_matches=True) restated over cell-counted IoUs:
    below 0.3 negative, from 0.3 below 0.7 ignored, then each ground truth's best anchors (all ties) matched."""
    anchors, truths = p.inputs["anchors"], p.inputs["truths"]
    quality = [[iou_by_cells(a, g) for a in anchors] for g in truths]  # ground truths × anchors, as torchvision
    matched = [max(column) for column in zip(*quality)]
    labels = ["positive" if m >= Fraction(7, 10) else "ignored" if m >= Fraction(3, 10) else "negative" for m in matched]
    for row in quality:
        for i, value in enumerate(row):
            if value == max(row):
                labels[i] = "positive"
    for kind in ("positive", "negative", "ignored"):
        assert p.answer[kind] == [f"A{i + 1}" for i, label in enumerate(labels) if label == kind], kind
    for row in zip(*quality):
        assert " | ".join(half_up(v, 2, "anchor_assignment") for v in row) in p.question


def soft_nms_recursive(boxes: dict[str, list[int]], scores: dict[str, Decimal], decay: Callable[[Fraction], Decimal]) -> dict[str, Decimal]:
    """Pick the best box, decay the rest by its overlap, recurse on the rest: final scores."""
    if not scores:
        return {}
    best = min(scores, key=lambda k: (-scores[k], k))
    with localcontext(Context(prec=PRECISION)):
        rest = {k: s * decay(iou_by_cells(boxes[best], boxes[k])) for k, s in scores.items() if k != best}
    return {best: scores[best], **soft_nms_recursive(boxes, rest, decay)}


def check_soft_nms(p: Problem) -> None:
    """Linear, Gaussian and hard decays by recursion, in Decimal at 100 digits over cell-counted IoUs."""
    boxes, nt = p.inputs["boxes"], Fraction(repr(p.inputs["nt"]))
    scores = {k: decimal(v) for k, v in p.inputs["scores"].items()}
    decays = {"linear": lambda o: 1 - decimal(o) if o > nt else Decimal(1),
              "gaussian": lambda o: (-decimal(o) ** 2 / Decimal("0.5")).exp(),
              "hard": lambda o: Decimal(0) if o > nt else Decimal(1)}
    final = {method: soft_nms_recursive(boxes, scores, decay) for method, decay in decays.items()}
    for method in ("linear", "gaussian"):
        for k, v in final[method].items():
            same(p.answer[method][k], half_up(v, 3, "soft_nms"), f"{method} {k}")
    assert p.answer["hard_kept"] == sorted(k for k, v in final["hard"].items() if v > 0)


def accumulate_ap(tps: list[bool], n_gt: int, levels: int) -> Fraction:
    """pycocotools' accumulate, exactly: cumulative TP and FP, precision made monotone from the right,
    and for each recall level the first rank whose recall reaches it (integer test, not floats)."""
    tp = [sum(tps[:k + 1]) for k in range(len(tps))]
    precision = [Fraction(t, k + 1) for k, t in enumerate(tp)]
    for k in range(len(precision) - 1, 0, -1):
        precision[k - 1] = max(precision[k - 1], precision[k])
    firsts = Counter(next((k for k, t in enumerate(tp) if (levels - 1) * t >= i * n_gt), None) for i in range(levels))
    return sum((precision[k] * n for k, n in firsts.items() if k is not None), Fraction(0)) / levels


def check_coco_ap(p: Problem) -> None:
    """pycocotools' evaluateImg matching (each detection, best score first, takes the best still-free
    ground truth with IoU ≥ t) and accumulate, over exact IoUs."""
    detections, n_gt = p.inputs["detections"], p.inputs["n_gt"]
    aps = []
    for i in range(10):
        t = Fraction(50 + 5 * i, 100)
        free = set(range(1, n_gt + 1))
        tps = []
        for d in sorted(detections, key=lambda d: -decimal(d["score"])):
            candidates = [d["gt"]] if d["gt"] in free and Fraction(repr(d["iou"])) >= t else []
            tps.append(bool(candidates))
            free -= set(candidates)
        aps.append(accumulate_ap(tps, n_gt, 101))
        if i == 0:
            voc = accumulate_ap(tps, n_gt, 11)
    same(p.answer["ap"], half_up(sum(aps) / 10, 3, "coco_ap"), "AP")
    same(p.answer["ap50"], half_up(aps[0], 3, "coco_ap"), "AP50")
    same(p.answer["ap75"], half_up(aps[5], 3, "coco_ap"), "AP75")
    same(p.answer["voc_ap50"], half_up(voc, 3, "coco_ap"), "VOC AP50")


ORACLES: dict[str, Callable[[Problem], None]] = {
    "coco_ap": check_coco_ap,
    "soft_nms": check_soft_nms,
    "anchor_assignment": check_anchor_assignment,
    "box_regression": check_box_regression,
    "segmentation_metrics": check_segmentation_metrics,
    "attention": check_attention,
    "batchnorm": check_batchnorm,
    "focal_loss": check_focal_loss,
    "receptive_field": check_receptive_field,
    "dropout": check_dropout,
    "iou": check_iou, "nms": check_nms, "precision_recall": check_precision_recall, "softmax": check_softmax,
    "conv_shape": check_conv_shape, "transposed_conv": check_transposed_conv,
    "separable_conv": check_separable_conv, "kmeans": check_kmeans, "adam": check_adam,
    "momentum": check_momentum, "confusion": check_confusion,
}

