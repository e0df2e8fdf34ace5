"""Every number of one sample step (a ``core.explain`` trace) as HTML, laid out as the
formula reads. Pure: no Qt, so the text a student reads is testable on its own.

Numbers are shown with ``PRECISION`` significant digits (``num``); a test reads them back
at that precision."""

from __future__ import annotations

from html import escape

import numpy as np

#: Significant digits of every number shown.
PRECISION = 4
#: Rows of a per-weight table shown before it is cut (with a note saying so).
MAX_ROWS = 400

_STYLE = ("<style>body{font-size:10pt} table{border-collapse:collapse} "
          "td,th{padding:1px 6px;text-align:right} th{background:#eee} "
          ".f{font-family:monospace} .win{background:#ffe9a8;font-weight:bold} "
          "h3{margin:8px 0 2px 0} p{margin:2px 0}</style>")


def num(value) -> str:
    """One number at ``PRECISION`` significant digits ("−" as the minus sign)."""
    v = float(value)
    if v == 0:
        return "0"
    return f"{v:.{PRECISION}g}".replace("-", "−")


def vec(values) -> str:
    return "[" + ", ".join(num(v) for v in np.ravel(values)) + "]"


def _p(text: str) -> str:
    return f"<p class='f'>{text}</p>"


def _table(header: list[str], rows: list[list[str]], win: int | None = None) -> str:
    cut = ""
    if len(rows) > MAX_ROWS:
        cut = f"<p><i>the first {MAX_ROWS} of {len(rows)} rows</i></p>"
        rows = rows[:MAX_ROWS]
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        f"<tr{' class=win' if i == win else ''}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows))
    return f"<table border=1 cellspacing=0>{'<tr>' + head + '</tr>'}{body}</table>{cut}"


def _heading(trace) -> str:
    where = (f"Epoch {trace.epoch + 1}, sample {trace.position + 1} of {trace.n_samples} "
             f"(training point {trace.sample_index + 1})")
    closed = ""
    if trace.epoch_closed:
        closed = (f"<p><b>This was the epoch's last sample: epoch {trace.epoch + 1} is done, "
                  f"its error {num(trace.epoch_error)}.</b></p>")
    return f"{_STYLE}<h3>{escape(where)}</h3>{closed}"


def sample_html(trace, model=None) -> str:
    """The whole panel for ``trace``; ``model`` (the copy, after the step) names the
    activations."""
    kind = trace.kind
    if kind == "perceptron":
        return _heading(trace) + perceptron_html(trace)
    if kind == "competitive":
        return _heading(trace) + competitive_html(trace)
    return _heading(trace) + mlp_html(trace, model)


# ---------------------------------------------------------------------- perceptron
def perceptron_html(t) -> str:
    x, w = np.ravel(t.x), np.ravel(t.w)
    b = 0.0 if t.b is None else float(t.b)
    terms = " + ".join(f"{num(wi)}·{num(xi)}" for wi, xi in zip(w, x))
    bias = f" + {num(b)}" if t.b is not None else ""
    out = ("step(net) = 1 if net ≥ 0 else 0" if t.activation == "step"
           else "σ(net) = 1 / (1 + e<sup>−net</sup>)")
    lines = [
        f"x = {vec(x)}    target t = {num(t.target)}",
        f"w = {vec(w)}" + (f"    b = {num(b)}" if t.b is not None else "    (no bias)"),
        f"net = w·x{' + b' if t.b is not None else ''} = {terms}{bias} = {num(t.net)}",
        f"y = {out} = {num(t.output)}",
        f"t − y = {num(t.target)} − {num(t.output)} = {num(t.error)}",
        f"Δw = lr (t − y) x = {num(t.learning_rate)} × {num(t.error)} × {vec(x)} = {vec(t.delta_w)}",
    ]
    if t.delta_b is not None:
        lines.append(f"Δb = lr (t − y) = {num(t.learning_rate)} × {num(t.error)} = {num(t.delta_b)}")
    lines.append(f"new w = w + Δw = {vec(t.new_w)}")
    if t.new_b is not None:
        lines.append(f"new b = b + Δb = {num(t.new_b)}")
    verdict = ("a mistake: the weights move" if t.mistake
               else "right: nothing to learn" if t.activation == "step" and t.error == 0
               else "the weights move by the error")
    lines.append(f"predicted class {t.predicted}: {verdict}")
    return "".join(_p(line) for line in lines)


# ---------------------------------------------------------------------- MLP
def _activation_names(model, n_layers: int) -> list[str]:
    if model is None or not hasattr(model, "activation"):
        return ["f"] * n_layers
    net = getattr(model, "mlp", model)  # an autoencoder's inner MLP
    hidden = getattr(net, "activation", "f")
    out = getattr(net, "resolved_output_activation", hidden)
    return [hidden] * (n_layers - 1) + [out]


def mlp_html(t, model=None) -> str:
    parts = []
    if t.kind == "autoencoder":
        parts.append("<h3>The sample, standardised</h3>")
        parts.append(_p(f"x (data) = {vec(t.x_data)}    mean = {vec(t.mean)}    "
                        f"scale = {vec(t.scale)}"))
        parts.append(_p(f"x = (x (data) − mean) / scale = {vec(t.x)}  (also the target)"))
    else:
        parts.append(_p(f"x = {vec(t.x)}    target = {vec(t.target)}"))
    if t.batch_rows > 1:
        parts.append(_p(f"batch {t.batch_index + 1}: sample {t.batch_position + 1} of "
                        f"{t.batch_rows} (the weights change at its last sample)"))
    names = _activation_names(model, len(t.nets))
    parts.append("<h3>Forward pass and deltas, layer by layer</h3>")
    parts.append(_p("net<sub>j</sub> = Σ<sub>i</sub> w<sub>ij</sub> a<sub>i</sub> + b<sub>j</sub>; "
                    "a<sub>j</sub> = f(net<sub>j</sub>); δ<sub>j</sub> = ∂E/∂net<sub>j</sub>"))
    parts.append(_p(f"input a = x = {vec(t.activations[0])}"))
    for layer, (net, act, delta) in enumerate(zip(t.nets, t.activations[1:], t.layer_deltas)):
        last = layer == len(t.nets) - 1
        title = "output layer" if last else f"hidden layer {layer + 1}"
        parts.append(f"<p><b>{title}</b> (f = {escape(names[layer])})</p>")
        rows = [[str(j + 1), num(n), num(a), num(d)]
                for j, (n, a, d) in enumerate(zip(np.ravel(net), np.ravel(act), np.ravel(delta)))]
        parts.append(_table(["neuron", "net", "a = f(net)", "δ"], rows))
    parts.append("<h3>Loss</h3>")
    parts.append(_p(f"{escape(t.loss_name)}(output {vec(t.activations[-1])}, target "
                    f"{vec(t.target)}) = {num(t.loss)}"
                    + (f"  (the batch's mean divides by {t.batch_rows})" if t.batch_rows > 1 else "")))
    parts.append("<h3>Gradients: ∂E/∂w<sub>ij</sub> = a<sub>i</sub> δ<sub>j</sub>, "
                 "∂E/∂b<sub>j</sub> = δ<sub>j</sub></h3>")
    parts.append(_gradient_tables(t))
    if t.update is None:
        parts.append(_p("<b>The weights do not change yet</b>: this sample's gradient is "
                        "added to its batch's."))
    else:
        parts.append(_optimizer_html(t.update))
    return "".join(parts)


def _gradient_tables(t) -> str:
    parts = []
    batched = t.batch_rows > 1
    for layer, gw in enumerate(t.gradients["weights"]):
        biases = t.gradients.get("biases")
        gb = None if biases is None else biases[layer]
        bw = t.batch_gradients["weights"][layer]
        rows = []
        for i in range(gw.shape[0]):
            for j in range(gw.shape[1]):
                row = [f"w {i + 1}→{j + 1}", num(gw[i, j])]
                rows.append(row + [num(bw[i, j])] if batched else row)
        if gb is not None:
            bb = t.batch_gradients["biases"][layer]
            for j in range(len(gb)):
                row = [f"b {j + 1}", num(gb[j])]
                rows.append(row + [num(bb[j])] if batched else row)
        header = ["weight", "this sample"] + (["batch so far"] if batched else [])
        parts.append(f"<p><b>layer {layer + 1} → {layer + 2}</b></p>" + _table(header, rows))
    return "".join(parts)


def _optimizer_html(u) -> str:
    parts = [f"<h3>The weights change: {escape(u.name)}</h3>"]
    l2 = f", plus L2 {num(u.l2)} × w" if u.l2 else ""
    if u.name == "sgd":
        parts.append(_p(f"Δ = −lr g = −{num(u.learning_rate)} × g   (g: the batch's gradient{l2})"))
        cols = [("g", u.gradients), ("Δ", u.delta)]
    elif u.name == "momentum":
        parts.append(_p(f"v = μ v<sub>before</sub> − lr g = {num(u.momentum)} v<sub>before</sub> "
                        f"− {num(u.learning_rate)} g;   Δ = v   (g: the batch's gradient{l2})"))
        cols = [("g", u.gradients), ("v before", u.velocity_before), ("v", u.velocity), ("Δ", u.delta)]
    else:
        parts.append(_p(f"step t = {u.t}: m = β<sub>1</sub> m<sub>before</sub> + (1 − β<sub>1</sub>) g, "
                        f"s = β<sub>2</sub> s<sub>before</sub> + (1 − β<sub>2</sub>) g²  "
                        f"(β<sub>1</sub> = {num(u.beta1)}, β<sub>2</sub> = {num(u.beta2)}{l2})"))
        parts.append(_p(f"m̂ = m / (1 − β<sub>1</sub><sup>t</sup>), ŝ = s / (1 − β<sub>2</sub><sup>t</sup>);  "
                        f"Δ = −lr<sub>t</sub> m / (√s + ε), lr<sub>t</sub> = lr √(1 − β<sub>2</sub><sup>t</sup>)"
                        f" / (1 − β<sub>1</sub><sup>t</sup>) = {num(u.lr_t)}  (lr {num(u.learning_rate)}, "
                        f"ε = {num(u.eps)})"))
        cols = [("g", u.gradients), ("m before", u.m_before), ("s before", u.s_before), ("m", u.m),
                ("s", u.s), ("m̂", u.m_hat), ("ŝ", u.s_hat), ("Δ", u.delta)]
    for layer, gw in enumerate(u.gradients["weights"]):
        rows = []
        for i in range(gw.shape[0]):
            for j in range(gw.shape[1]):
                rows.append([f"w {i + 1}→{j + 1}"] + [num(c[1]["weights"][layer][i, j]) for c in cols])
        if u.gradients.get("biases") is not None:
            for j in range(len(u.gradients["biases"][layer])):
                rows.append([f"b {j + 1}"] + [num(c[1]["biases"][layer][j]) for c in cols])
        parts.append(f"<p><b>layer {layer + 1} → {layer + 2}</b></p>"
                     + _table(["weight"] + [c[0] for c in cols], rows))
    return "".join(parts)


# ---------------------------------------------------------------------- competitive
def competitive_html(t) -> str:
    parts = [_p(f"x = {vec(t.x)}    ({escape(t.mode)} mode, lr {num(t.learning_rate)})")]
    if t.conscience and t.bias is not None:
        parts.append(_p("score = d² − bias; the conscience's bias C s² (1/N − p) gives neurons "
                        "that win too seldom a head start; the smallest score wins"))
    else:
        parts.append(_p("score = d² = |x − w|²; the smallest score wins (no conscience)"))
    rows = []
    for j in range(len(t.distances)):
        bias = "–" if t.bias is None else num(t.bias[j])
        rows.append([str(j + 1), num(t.distances[j]), num(t.squared_distances[j]), bias,
                     num(t.scores[j]), num(t.win_frequency_before[j]), num(t.win_frequency_after[j])])
    parts.append(_table(["neuron", "d", "d²", "bias", "score", "p before", "p after"], rows,
                        win=t.winner))
    parts.append(f"<h3>Winner: neuron {t.winner + 1}</h3>")
    if t.mode == "online":
        parts.append(_p(f"move = lr (x − w) = {num(t.learning_rate)} × ({vec(t.x)} − "
                        f"{vec(t.old_centroid)}) = {vec(t.move)}"))
        parts.append(_p(f"new w = w + move = {vec(t.new_centroid)}"))
    else:
        parts.append(_p(f"batch mode: the sample joins neuron {t.winner + 1}'s sum; the "
                        "centroids move to their samples' means when the epoch closes"))
        counts = [[str(j + 1), str(int(c)), vec(s)] for j, (c, s) in
                  enumerate(zip(t.batch_counts, t.batch_sums))]
        parts.append(_table(["neuron", "wins so far", "sum of its samples"], counts, win=t.winner))
        if t.batch_means is not None:
            parts.append(_p(f"epoch closed: every centroid moves to its samples' mean; neuron "
                            f"{t.winner + 1}: {vec(t.old_centroid)} + {vec(t.move)} = "
                            f"{vec(t.new_centroid)}"))
    return "".join(parts)
