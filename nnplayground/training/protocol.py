"""The command protocol between the window and its training process. No Qt here.

Both directions carry plain tuples ``(name, *payload)`` through a
``multiprocessing.connection.Connection``; payloads are NumPy arrays, frozen dataclasses
of ``core`` and ``training`` (``PointState``, ``SplitSpec``, ``ViewRequest``,
``Snapshot``, ``ViewData``, ``TrainResult``) and ``registry.model_to_dict`` tables, never
a Qt object or a function. ``docs/ARCHITECTURE.md`` ("Training process") is the prose.

Window -> trainer (commands)
---------------------------
========================  ====================================================
``SET_MODEL, model``      replace the model (``model_to_dict``: config, weights,
                          full training state); queued parameters are dropped
``SET_POINTS, points``    the editable points (a ``PointState`` copy)
``CONFIGURE, kind, n_classes, split``  how the points become targets and a split
``SET_ARRAYS, X, y, X_test, y_test``   fixed data instead of points (digit pad)
``SET_VIEW, request``     a ``ViewRequest`` (axes, bounds, resolution) or None: no
                          view data is computed
``SET_PARAM, name, value``a live parameter, applied before the next epoch
``PLAY, max_epochs, stepping``  train until paused, stopped, converged, diverged or
                          ``max_epochs`` (absolute; None: no limit); ``stepping``
                          marks a Step (no speed, "Stepped to epoch N.")
``PAUSE`` / ``STOP``      end the run after the current epoch
``ACK``                   the window drew the last snapshot: the next may come
``GET_MODEL``             send the model (``MODEL``) now (only when idle)
``QUIT``                  end the process
========================  ====================================================

Reserved for the next issues: ``STEP_SAMPLE`` (one sample with every number),
``SET_SPEED`` (epochs or samples per second), ``SEEK`` (back to a recorded epoch).

Trainer -> window (events)
--------------------------
=================================  ==========================================
``READY``                          the process is up
``SNAPSHOT, snapshot, view``       at most one not yet acknowledged; the errors of
                                   epochs whose snapshot was dropped are merged into
                                   the next one, so the error curve misses none
``FINISHED, result, model``        a run ended; ``model`` = ``model_to_dict`` of the
                                   trained model (weights and training state)
``FAILED, message``                an exception in training (a ``FINISHED`` follows)
``MODEL, model``                   the answer to ``GET_MODEL``
=================================  ==========================================
"""

from __future__ import annotations

SET_MODEL = "set_model"
SET_POINTS = "set_points"
CONFIGURE = "configure"
SET_ARRAYS = "set_arrays"
SET_VIEW = "set_view"
SET_PARAM = "set_param"
PLAY = "play"
PAUSE = "pause"
STOP = "stop"
ACK = "ack"
GET_MODEL = "get_model"
QUIT = "quit"

READY = "ready"
SNAPSHOT = "snapshot"
FINISHED = "finished"
FAILED = "failed"
MODEL = "model"

#: Handled by the trainer's reader thread as they arrive, even during an epoch.
IMMEDIATE = frozenset({SET_POINTS, CONFIGURE, SET_ARRAYS, SET_VIEW, SET_PARAM, PAUSE, STOP, ACK})
#: Handled by the trainer's main loop, in order, between runs.
QUEUED = frozenset({SET_MODEL, PLAY, GET_MODEL, QUIT})
