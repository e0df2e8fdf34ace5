"""The window's live views (decision surface, network, latent space, 3-D view), drawn
from the idle model or from the training process's snapshots."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from nnplayground.core.state import ViewRequest
from nnplayground.core.view_model import TrailBuffer, view_data

SURFACE_RESOLUTION = 100


class LiveViews(QtCore.QObject):
    """Keeps the window's views in step with its model; the window owns the widgets.

    ``last_state``/``last_epoch`` are the model as last drawn: while training runs, the
    training process owns the model and these are what a saved session holds.

    The training process computes frames from ``request`` (a frozen ``ViewRequest``,
    replaced whole when the canvas's axes or visible range change) and the points the
    controller last sent to the trainer; it reads no widget."""

    def __init__(self, window, controller) -> None:
        super().__init__(window)
        self.w = window
        self.controller = controller
        self.trails = TrailBuffer(maxlen=40)
        self.last_state = None
        self.last_epoch = 0
        self.shown_state = None
        self._drawn_once = False  # nothing is drawn before the window first shows
        self.view3d = None
        self._points_in_3d = None  # (point set, version) the 3-D view shows
        self._n_in_3d = 0
        self.probe: np.ndarray | None = None  # see set_probe
        self.request = ViewRequest(tuple(window.canvas.projection_axes), tuple(window.canvas.bounds),
                                   SURFACE_RESOLUTION)
        controller.trainer.set_view_request(self.request)
        window.canvas.view_box.sigRangeChanged.connect(self._on_canvas_range_changed)

    def reset(self, model) -> None:
        """A new model: no trails of the old one, and its state as the last one drawn."""
        self.trails.clear()
        self.last_state = model.get_state()
        self.last_epoch = model.epoch

    def ensure_3d_view(self):
        """Create the OpenGL view on first need (it needs a working GL context)."""
        if self.view3d is None:
            from nnplayground.ui.views.scatter3d_view import Scatter3DView

            w, tabs = self.w, self.w.tabs
            focus, was_active = QtWidgets.QApplication.focusWidget(), w.isActiveWindow()
            self.view3d = Scatter3DView()
            index = tabs.insertTab(1, self.view3d, "3-D view")
            tabs.setTabToolTip(index, "The 3-D data; drag to rotate, wheel to zoom")
            if w.isVisible():
                # Showing the first GL widget makes Qt re-create the top-level window,
                # which loses activation and keyboard focus (every shortcut dead until
                # a click): show it now and give both back.
                tabs.setCurrentWidget(self.view3d)
                if was_active:
                    w.activateWindow()
                    if focus is not None and focus.isVisible():
                        focus.setFocus()
        return self.view3d

    def set_probe(self, x) -> None:
        """Write every neuron's value for the input ``x`` into the network drawing (a
        lesson's forward pass, MLPs only); None writes none."""
        self.probe = None if x is None else np.array(x, dtype=np.float64).ravel()
        self.refresh()

    def _probe_values(self, model):
        probe = self.probe
        if probe is None or model.kind != "mlp" or len(probe) != model.n_inputs \
                or self.w.trainer.is_running():  # the window's copy lags behind a run
            return None
        return [a[0] for a in model.forward(probe[None, :])]

    def compute_view(self, model, trails: bool = True):
        """The view of the idle model (the training process computes its own)."""
        points, request = self.controller.data.points, self.request
        if len(points.X) == 0:
            return None
        return view_data(model, points.X, request.bounds, request.resolution, axes=request.axes,
                         trails=self.trails if trails else None, labels=points.labels)

    def draw_past(self, model) -> None:
        """Draw ``model`` (a recorded epoch's weights) in every view; the trails and the
        state a saved session takes stay the current model's."""
        try:
            vd = self.compute_view(model, trails=False)
        except Exception:  # a model that cannot be drawn yet
            vd = None
        self.draw(model.get_state(), vd, model)

    def _on_canvas_range_changed(self, *_args) -> None:
        self.update_request()

    def update_request(self) -> None:
        """The heatmap covers everything visible, not just the data box: the locked
        aspect ratio pads one axis, and TensorFlow Playground leaves no blank margin.
        The trainer is sent the new request (one frozen value)."""
        (x0, x1), (y0, y1) = self.w.canvas.view_box.viewRange()
        request = ViewRequest(tuple(self.w.canvas.projection_axes),
                              (float(x0), float(x1), float(y0), float(y1)), SURFACE_RESOLUTION)
        if request != self.request:
            self.request = request
            self.controller.trainer.set_view_request(request)
            if not self.w.trainer.is_running():
                self.refresh()

    def refresh(self) -> None:
        """Redraw every view from the (idle) model. Nothing is drawn before the window
        first shows (``first_show`` draws then): at launch the surface was drawn for the
        first data set at build, then for each of the two sizes the canvas takes while
        the window shows (three times, 25-30 ms, before the first frame)."""
        w = self.w
        if not self._drawn_once:
            return
        model = w.trainer.model
        if model is None or w.trainer.is_running():
            return
        if model.n_inputs != w.points.n_dims:
            return  # data of another dimension arrived; its model is built next
        try:
            vd = self.compute_view(model)
        except Exception as exc:  # a model that cannot be drawn yet (e.g. no data)
            vd = None
            w.statusBar().showMessage(f"Nothing to draw yet: {exc}", 4000)
        self.draw(model.get_state(), vd, model)

    def first_show(self) -> None:
        """The window shows for the first time (its ``showEvent``: its widgets have
        their sizes, usually their last ones before the first frame; a window manager
        that restores a maximised window resizes it once more, which draws again): the
        views are drawn, from now on whenever asked."""
        if not self._drawn_once:
            self._drawn_once = True
            self.refresh()

    def on_snapshot(self, snapshot, vd) -> None:
        self.take(snapshot, vd)
        self.w.actions_.update_readout(snapshot.epoch, snapshot.train_error,
                                       snapshot.test_error, snapshot.epochs_per_second)

    def take(self, snapshot, vd) -> None:
        """Show what the trainer sent (a run's snapshot, or a sample step's): its new
        errors on the curve, its weights in every view, its trails kept."""
        w = self.w
        if vd is not None and vd.trails is not None:
            # The trainer keeps the trails while it runs; the idle views go on from them.
            self.trails.clear()
            for centroids in vd.trails:
                self.trails.push(centroids)
        w.error_view.append(snapshot.new_train_errors, snapshot.new_test_errors)
        self.last_state = snapshot.state
        self.last_epoch = snapshot.epoch
        self.draw(snapshot.state, vd, w.trainer.model)

    def draw(self, state, vd, model) -> None:
        w = self.w
        self.shown_state = state  # what the views show (a past epoch's, when looking back)
        w.overlay.update(vd)
        kind = model.kind
        try:
            if kind == "perceptron":
                w.network_view.set_perceptron(state["weights"], state.get("bias"))
            elif kind in ("mlp", "autoencoder"):
                w.network_view.set_network(model.layer_sizes, state["weights"], state.get("biases"),
                                           self._probe_values(model))
            elif kind == "competitive" and state.get("centroids") is not None:
                w.network_view.set_competitive(state["centroids"])
        except (KeyError, ValueError):
            pass
        if vd is not None and vd.codes is not None:
            _, labels = w.points.point_set.arrays()
            w.ensure_latent_view().set_codes(vd.codes, labels if len(labels) == len(vd.codes) else None)
        if w.points.n_dims == 3:
            self._update_3d(state, vd, model)
        w.views_updated.emit()

    def _update_3d(self, state, vd, model) -> None:
        """Winners, neuron colours and trails come from the view data the training
        thread computed; the points themselves are sent to OpenGL only when they changed
        (not 30 times a second)."""
        w = self.w
        view = self.ensure_3d_view()
        centroids = state.get("centroids") if model.kind == "competitive" else None
        winners = vd.winners if vd is not None and centroids is not None else None
        colors = vd.neuron_colors if winners is not None else None
        point_set = w.points.point_set
        key = (point_set, point_set.version)
        if key != self._points_in_3d:
            X, labels = point_set.arrays()
            if winners is not None and len(winners) != len(X):
                winners = colors = None  # computed before the latest edit
            view.set_points(X, labels=labels, winners=winners, neuron_colors=colors)
            view.set_true_centroids(self.controller.state.dataset.true_centroids)
            self._points_in_3d, self._n_in_3d = key, len(X)
        elif winners is None or len(winners) == self._n_in_3d:
            view.set_winners(winners, neuron_colors=colors)
        view.set_learned_centroids(centroids, trails=vd.trails if vd is not None else None)
        # A perceptron's boundary with three inputs is a plane (the 2-D canvas shows only
        # its cut through the projection's plane).
        weights = state.get("weights") if model.kind == "perceptron" else None
        if weights is not None and np.size(weights) == 3:
            view.set_plane(weights, state.get("bias"))
        else:
            view.set_plane(None, None)
