"""The numbers of a small hand-set model as a flat list a student edits one by one, and
the forward pass a lesson shows (no Qt: plain functions of a model's ``get_state()``).

An entry is ``(label, path)``: the label as the network drawing's tooltips name it
(``w[0][1→0]``, ``b[0][1]``; a perceptron's ``w1``, ``w2``, ``b``), the path where the
number sits in the state (``("weights", l, i, j)``, ``("biases", l, j)``, ``("weights",
i)``, ``("bias",)``).
"""

from __future__ import annotations

import copy

import numpy as np

#: Models with more numbers than this get no fields (the classic 3-4-1 network has 16).
MAX_HAND_SET = 12


def entries(kind: str, state: dict) -> list[tuple[str, tuple]] | None:
    """The editable numbers of a perceptron's or an MLP's state; None for other models
    or more than ``MAX_HAND_SET`` numbers."""
    out: list[tuple[str, tuple]] = []
    if kind == "perceptron":
        out = [(f"w{i + 1}", ("weights", i)) for i in range(len(state["weights"]))]
        if state.get("bias") is not None:
            out.append(("b", ("bias",)))
    elif kind == "mlp":
        for l, W in enumerate(state["weights"]):
            W = np.asarray(W)
            out += [(f"w[{l}][{i}→{j}]", ("weights", l, i, j))
                    for i in range(W.shape[0]) for j in range(W.shape[1])]
        for l, b in enumerate(state.get("biases") or []):
            if b is not None:
                out += [(f"b[{l}][{j}]", ("biases", l, j)) for j in range(len(b))]
    else:
        return None
    return out if out and len(out) <= MAX_HAND_SET else None


def read(state: dict, paths: list[tuple]) -> list[float]:
    return [float(_get(state, path)) for path in paths]


def with_values(state: dict, paths: list[tuple], values: list[float]) -> dict:
    """A copy of ``state`` with the numbers at ``paths`` set to ``values``."""
    new = copy.deepcopy(state)
    for path, value in zip(paths, values):
        name, *where = path
        if not where:
            new[name] = float(value)
        elif name == "weights" and len(where) == 1:
            new[name][where[0]] = float(value)
        else:
            new[name][where[0]][tuple(where[1:])] = float(value)
    return new


def _get(state: dict, path: tuple):
    name, *where = path
    if not where:
        return state[name]
    if len(where) == 1:
        return np.asarray(state[name])[where[0]]
    return np.asarray(state[name][where[0]])[tuple(where[1:])]


def forward_text(activations: list[np.ndarray]) -> str:
    """Every layer's values after the inputs, one line each: "hidden 1: 16, 0"."""
    lines = []
    last = len(activations) - 1
    for l, values in enumerate(activations[1:], start=1):
        name = "output" if l == last else f"hidden {l}" if last > 2 else "hidden"
        shown = ", ".join(_short(v) for v in np.ravel(values))
        lines.append(f"{name}: {shown}")
    return "\n".join(lines)


def _short(v: float) -> str:
    v = float(v)
    return "0" if v == 0 else f"{v:.4g}"
