"""Engine speed, measured against baselines in the same run (run by hand).

    python benchmarks/engine.py [--repeats 7] [--epochs 20]

MLP: 500 "circle" points, layers [2, 4, 2, 1], tanh, sigmoid output, cross-entropy,
batch 10, plain SGD, next to (a) a bare NumPy loop doing exactly the same maths on the
same mini-batches, (b) scikit-learn's MLPClassifier.partial_fit where installed (the
``bench`` extra; target: ours at least 5x faster) and (c) the same network in PyTorch
(CPU, one thread, plain SGD on the same mini-batch size) where PyTorch is installed; it
is never one of our extras.
Then the competitive layer (online and batch) on the five 3-D clusters.
Timing is best-of-N with time.perf_counter; figures are milliseconds per epoch.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

# The source tree, not an installed copy (which may be older).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from nnplayground.core.mlp import MLP  # noqa: E402

LAYERS = [2, 4, 2, 1]
LR = 0.1
BATCH = 10


def circle_data(n: int = 500, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    try:
        from nnplayground.core.datasets import circle
    except ImportError:
        # TensorFlow Playground's circle: class 1 inside radius 2.5, class 0 in 3.5..5.
        rng = np.random.default_rng(seed)
        r = np.concatenate([rng.uniform(0.0, 2.5, n // 2), rng.uniform(3.5, 5.0, n - n // 2)])
        angle = rng.uniform(0.0, 2.0 * np.pi, n)
        X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        return X, (r < 2.5).astype(np.int64)
    d = circle(n=n, seed=seed)
    return d.X, d.y


def five_clusters(seed: int = 0) -> np.ndarray:
    try:
        from nnplayground.core.datasets import five_clusters_3d
    except ImportError:
        rng = np.random.default_rng(seed)
        C = np.array([[1, 2, 1], [2, 5, 2], [-3, 3, 0], [5, -1, -1], [-2, -2, -2]], float)
        return np.repeat(C, 100, axis=0) + rng.normal(0.0, 0.8, size=(500, 3))
    return five_clusters_3d(seed=seed).X


class BareLoop:
    """The same network, loss, batching and update, written out plainly for [2, 4, 2, 1]."""

    def __init__(self, model: MLP) -> None:
        self.W = [w.copy() for w in model.weights]
        self.b = [b.copy() for b in model.biases]
        self.rng = copy.deepcopy(model.rng)  # so both draw the same shuffles

    def epoch(self, X: np.ndarray, T: np.ndarray) -> float:
        W0, W1, W2 = self.W
        b0, b1, b2 = self.b
        n = X.shape[0]
        order = self.rng.permutation(n)
        Xs, Ts = X[order], T[order]
        with np.errstate(all="ignore"):
            for s in range(0, n, BATCH):
                x, t = Xs[s : s + BATCH], Ts[s : s + BATCH]
                h1 = np.tanh(x @ W0 + b0)
                h2 = np.tanh(h1 @ W1 + b1)
                out = 1.0 / (1.0 + np.exp(-(h2 @ W2 + b2)))
                d3 = (out - t) / x.shape[0]
                d2 = (d3 @ W2.T) * (1.0 - h2 * h2)
                d1 = (d2 @ W1.T) * (1.0 - h1 * h1)
                W2 -= LR * (h2.T @ d3)
                b2 -= LR * d3.sum(axis=0)
                W1 -= LR * (h1.T @ d2)
                b1 -= LR * d2.sum(axis=0)
                W0 -= LR * (x.T @ d1)
                b0 -= LR * d1.sum(axis=0)
            # The epoch's error on all points, as MLP.partial_fit reports it.
            p = 1.0 / (1.0 + np.exp(-(np.tanh(np.tanh(X @ W0 + b0) @ W1 + b1) @ W2 + b2)))
            p = np.clip(p, 1e-15, 1.0 - 1e-15)
            return float(-np.sum(T * np.log(p) + (1.0 - T) * np.log(1.0 - p)) / n)


def best_of(runs: dict[str, callable], repeats: int, epochs: int) -> dict[str, float]:
    """ms/epoch for each callable, best of ``repeats``; contenders interleaved so that a
    busy moment on a shared machine hits them all alike."""
    best = {name: float("inf") for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            t0 = time.perf_counter()
            for _ in range(epochs):
                run()
            best[name] = min(best[name], (time.perf_counter() - t0) * 1000.0 / epochs)
    return best


def bench_mlp(repeats: int, epochs: int) -> list[tuple[str, float, str]]:
    X, y = circle_data()
    T = y.astype(np.float64).reshape(-1, 1)
    model = MLP(LAYERS, activation="tanh", loss="cross_entropy", optimizer="sgd",
                learning_rate=LR, batch_size=BATCH, seed=0)
    bare = BareLoop(model)
    # Same weights and same shuffles: the two must agree, or the comparison is unfair.
    e_model, e_bare = model.partial_fit(X, y), bare.epoch(X, T)
    assert abs(e_model - e_bare) < 1e-9, (e_model, e_bare)
    runs = {"nnplayground MLP": lambda: model.partial_fit(X, y), "bare NumPy loop": lambda: bare.epoch(X, T)}
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        sk = None
    else:
        sk = MLPClassifier(hidden_layer_sizes=tuple(LAYERS[1:-1]), activation="tanh", solver="sgd",
                           learning_rate_init=LR, batch_size=BATCH, momentum=0.0, alpha=0.0,
                           nesterovs_momentum=False, shuffle=True, random_state=0)
        classes = np.array([0, 1])
        warnings.simplefilter("ignore", ConvergenceWarning)
        runs["scikit-learn partial_fit"] = lambda: sk.partial_fit(X, y, classes=classes)
    torch_epoch = torch_loop(X, T)
    if torch_epoch is not None:
        runs["PyTorch (CPU, 1 thread)"] = torch_epoch
    ms = best_of(runs, repeats, epochs)
    base = ms["bare NumPy loop"]
    rows = [(name, t, f"{t / base:.2f}x bare") for name, t in ms.items()]
    if sk is None:
        rows.append(("scikit-learn partial_fit", float("nan"), "not installed"))
    if torch_epoch is None:
        rows.append(("PyTorch (CPU, 1 thread)", float("nan"), "not installed"))
    return rows


def torch_loop(X: np.ndarray, T: np.ndarray):
    """One epoch of the same network in PyTorch (a callable), or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(LAYERS[0], LAYERS[1]), torch.nn.Tanh(),
        torch.nn.Linear(LAYERS[1], LAYERS[2]), torch.nn.Tanh(),
        torch.nn.Linear(LAYERS[2], LAYERS[3])).double()
    optimiser = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, Tt = torch.from_numpy(X.astype(np.float64)), torch.from_numpy(T)
    generator = torch.Generator().manual_seed(0)

    def epoch() -> float:
        order = torch.randperm(len(Xt), generator=generator)
        for s in range(0, len(Xt), BATCH):
            rows = order[s : s + BATCH]
            optimiser.zero_grad()
            loss = loss_fn(net(Xt[rows]), Tt[rows])
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            return float(loss_fn(net(Xt), Tt))

    return epoch


def bench_competitive(repeats: int, epochs: int) -> list[tuple[str, float, str]]:
    try:
        from nnplayground.core.competitive import CompetitiveLayer
    except ImportError:
        return [("competitive layer", float("nan"), "missing (core.competitive not importable)")]
    X = five_clusters()
    runs = {}
    for mode in ("online", "batch"):
        layer = CompetitiveLayer(n_inputs=3, n_neurons=5, mode=mode, seed=0)
        layer.partial_fit(X)
        runs[f"competitive ({mode})"] = lambda layer=layer: layer.partial_fit(X)
    return [(name, t, "") for name, t in best_of(runs, repeats, epochs).items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=20, help="epochs per timed repeat")
    args = parser.parse_args()
    print(f"NumPy {np.__version__}; best of {args.repeats} x {args.epochs} epochs\n")
    print(f"MLP {LAYERS} tanh, 500 circle points, batch {BATCH}, SGD lr {LR}")
    rows = bench_mlp(args.repeats, args.epochs)
    rows += bench_competitive(args.repeats, max(1, args.epochs // 4))
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'ms/epoch':>9}")
    for name, ms, note in rows:
        print(f"{name:{width}}  {ms:9.3f}  {note}")
    ms = {name: t for name, t, _ in rows}
    ratio = ms["nnplayground MLP"] / ms["bare NumPy loop"]
    print(f"\nMLP / bare loop = {ratio:.2f} (target <= 1.30): {'OK' if ratio <= 1.3 else 'TOO SLOW'}")
    sk = ms["scikit-learn partial_fit"] / ms["nnplayground MLP"]
    if sk == sk:  # measured (not NaN)
        print(f"scikit-learn / MLP = {sk:.1f}x (target >= 5x): {'OK' if sk >= 5 else 'TOO SLOW'}")
    else:
        print("scikit-learn / MLP: not measured (pip install -e '.[bench]')")
    pt = ms["PyTorch (CPU, 1 thread)"] / ms["nnplayground MLP"]
    if pt == pt:
        print(f"PyTorch / MLP = {pt:.1f}x (an anchor, no target)")


if __name__ == "__main__":
    main()
