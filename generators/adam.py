"""One Adam step by hand on a 1-D quadratic loss: the moment updates, the bias correction (which
matters most at small t) and why the step is about η in size whatever the gradient's scale."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, sig, sqrt
from ._training import draw_quadratic_paths, num, paren, quadratic_text, sub

TITLE = "Adam step"
FIGURES = 4  # significant figures of every result on the card
CURVATURES = (0.5, 1.0, 1.5, 2.0)  # a in f(θ) = a(θ − c)²
LEARNING_RATES = (0.05, 0.1, 0.2)  # large enough that the step shows at 4 significant figures
BETA1S = (0.9, 0.8, 0.5)
BETA2S = (0.999, 0.99, 0.9)
EPSILONS = (1e-8, 0.1)


def adam_step(theta: Fraction, g: Fraction, m_prev: Fraction, v_prev: Fraction, t: int,
              lr: Fraction, beta1: Fraction, beta2: Fraction, eps: Fraction) -> dict[str, Fraction]:
    """Step t of Adam (Kingma & Ba, ε added to √v̂ as in PyTorch) from the moments of step t − 1,
    exactly but for the square root (see _numbers.sqrt)."""
    m = beta1 * m_prev + (1 - beta1) * g
    v = beta2 * v_prev + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    step = lr * m_hat / (sqrt(v_hat) + eps)
    return {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "step": step, "theta": theta - step}


def generate(rng: np.random.Generator) -> Problem:
    a = float(rng.choice(CURVATURES))
    c = int(rng.choice([-1, 1])) * int(rng.integers(1, 5))
    t = int(rng.integers(1, 4))
    lr = float(rng.choice(LEARNING_RATES))
    default = rng.random() < 0.6
    beta1 = 0.9 if default else float(rng.choice(BETA1S))
    beta2 = 0.999 if default else float(rng.choice(BETA2S))
    eps = float(rng.choice(EPSILONS, p=[0.75, 0.25]))
    hyper = {"lr": exact(lr), "beta1": exact(beta1), "beta2": exact(beta2), "eps": exact(eps)}
    # θ0 on c's side of 0 with |θ0| ≥ 0.5, |θ0 − c| ≥ 1: the next ≤ 3 steps (≈ η each) move θ
    # towards c and never near 0, where 4 significant figures would be meaningless
    k = int(rng.integers(10, 31))
    towards_zero = abs(c) * 10 - k >= 5 and rng.random() < 0.5
    theta = Fraction(10 * c + (-k if (c > 0) == towards_zero else k), 10)
    # the state before step t: t − 1 real Adam steps from θ0, shown rounded as the card's inputs
    m_prev = v_prev = Fraction(0)
    for k in range(1, t):
        state = adam_step(theta, 2 * exact(a) * (theta - c), m_prev, v_prev, k, **hyper)
        theta, m_prev, v_prev = (Fraction(sig(state[key], FIGURES)) for key in ("theta", "m", "v"))
    g = 2 * exact(a) * (theta - c)  # f'(θ) of the θ shown
    result = adam_step(theta, g, m_prev, v_prev, t, **hyper)
    answer = {key: float(sig(result[key], FIGURES)) for key in ("m", "v", "m_hat", "v_hat", "theta")}

    s = {key: sig(value, FIGURES) for key, value in result.items()}
    g_text = num(g)
    eps_text = num(eps)
    state_text = ("the moments start at $m_0 = v_0 = 0$" if t == 1 else
                  f"after step {t - 1} the moments are $m_{{{t - 1}}} = {num(m_prev)}$, "
                  f"$v_{{{t - 1}}} = {num(v_prev)}$")
    loss = quadratic_text(a, c, "\\theta")
    gradient = f"{num(2 * a)}\\cdot({num(theta)} - {paren(str(c))})"
    question = (
        f"Adam minimises $f(\\theta) = {loss}$. At step $t = {t}$ the parameter "
        f"is $\\theta_{{{t - 1}}} = {num(theta)}$ with gradient $g_{t} = f'(\\theta_{{{t - 1}}}) = "
        f"{gradient} = {g_text}$; {state_text}. "
        f"Hyper-parameters: $\\eta = {num(lr)}$, $\\beta_1 = {num(beta1)}$, $\\beta_2 = {num(beta2)}$, "
        f"$\\epsilon = {eps_text}$ (added to $\\sqrt{{\\hat v_{t}}}$).\n\n"
        f"Compute $m_{t}$, $v_{t}$, $\\hat m_{t}$, $\\hat v_{t}$ and $\\theta_{t}$, "
        f"to {FIGURES} significant figures ({RULE}), keeping full precision in between."
    )
    insight = (f"\n\nAt $t = 1$, $\\hat m = g$ and $\\hat v = g^2$: the first step is $\\eta$ against the "
               f"sign of $g$, whatever its size." if t == 1 and eps < 0.001 else "")
    solution = (
        f"**$\\theta_{t} = {s['theta']}$** ($m_{t} = {s['m']}$, $v_{t} = {s['v']}$, "
        f"$\\hat m_{t} = {s['m_hat']}$, $\\hat v_{t} = {s['v_hat']}$)\n\n"
        f"- $m_{t} = {num(beta1)}\\cdot {paren(num(m_prev))} + {num(1 - exact(beta1))}\\cdot {paren(g_text)} = {s['m']}$\n"
        f"- $v_{t} = {num(beta2)}\\cdot {num(v_prev)} + {num(1 - exact(beta2))}\\cdot {paren(g_text)}^2 = {s['v']}$\n"
        f"- $\\hat m_{t} = m_{t} / (1 - {num(beta1)}^{t}) = {s['m_hat']}$\n"
        f"- $\\hat v_{t} = v_{t} / (1 - {num(beta2)}^{t}) = {s['v_hat']}$\n"
        f"- $\\theta_{t} = {num(theta)} - {num(lr)}\\cdot {paren(s['m_hat'])} / "
        f"(\\sqrt{{{s['v_hat']}}} + {eps_text}) = {num(theta)} - {paren(s['step'])} = {s['theta']}$"
        + insight
    )
    figure = Figure(
        draw_adam,
        {"a": a, "c": c, "t": t, "before": float(theta), "after": answer["theta"]},
        f"Loss curve f(θ) = {quadratic_text(a, c, 'θ').replace('^2', '²')} with θ moving from "
        f"{num(theta)} to {s['theta']} in Adam step {t}",
    )
    return Problem(
        inputs={"a": a, "c": c, "t": t, "theta": float(theta), "g": float(g), "m_prev": float(m_prev),
                "v_prev": float(v_prev),
                "lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps},
        answer=answer,
        question=question,
        solution=solution,
        answer_figure=figure,
    )


def draw_adam(fig: Any, a: float, c: float, t: int, before: float, after: float) -> None:
    """θ before and after the step on the loss curve, zoomed so a step of η is visible; the
    minimum is shown when it is near, else named in the title."""
    lo, hi = min(before, after), max(before, after)
    pad = max(2.0 * (hi - lo), 0.2)
    near = abs(c - before) < 15 * (hi - lo)
    window = (min(lo - pad, c - 0.3 * pad) if near else lo - pad, max(hi + pad, c + 0.3 * pad) if near else hi + pad)
    shown = window[0] <= c <= window[1]
    draw_quadratic_paths(
        fig, a, c, "θ",
        [{"ws": [before, after], "colour": PALETTE[0], "texts": [f"θ{sub(t - 1)}", f"θ{sub(t)}"]}],
        title=None if shown else f"minimum at θ = {c} {'→' if c > hi else '←'}".replace("-", "\N{MINUS SIGN}"),
        window=window,
    )
