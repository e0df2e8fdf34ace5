"""The command protocol between the window and its training process. No Qt here.

Both directions carry plain tuples ``(name, *payload)`` through a
``multiprocessing.connection.Connection``; payloads are NumPy arrays, frozen dataclasses
of ``core`` and ``training`` (``PointState``, ``SplitSpec``, ``ViewRequest``,
``Snapshot``, ``ViewData``, ``TrainResult``) and ``registry.model_to_dict`` tables, never
a Qt object or a function. ``docs/ARCHITECTURE.md`` ("Training process") is the prose.

Window -> trainer (commands)
---------------------------
========================  ====================================================
``SET_MODEL, generation, model, earlier``  replace the model (``model_to_dict``:
                          config, weights, full training state); queued parameters
                          are dropped. A new ``generation`` keeps the old one's
                          recording for a while; ``earlier`` (or None) is a
                          generation this model had before, whose recording it
                          takes back (an undo that gives a trained model back)
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
``SET_SPEED, eps``        slow motion: at most ``eps`` epochs a second (None: full
                          speed), from the next epoch, also mid-run
``STATE_AT, epoch``       send the recorded weights at or before ``epoch``
                          (``STATE``), for scrubbing back; nothing changes
``SEEK, epoch``           go back to the recorded epoch at or before ``epoch``: the
                          model takes its full training state, the recording after
                          it is dropped; answered with ``MODEL``
``WANT_MODEL``            send the model (``LIVE_MODEL``) with the next snapshot,
                          also mid-run (the autosave's full training state)
``GET_RECORDING, budget`` send the recording thinned to ``budget`` bytes
                          (``RECORDING``), for a session file
``SET_RECORDING, table``  take a recording (an opened session's)
``STEP_SAMPLE``           learn the next sample of the epoch in progress
                          (``core.explain.step_sample`` on the training data; only
                          when idle), answered with ``SAMPLE``
``QUIT``                  end the process
========================  ====================================================

Every good epoch's full training state is recorded where the model trains
(``core.recording.Recording``, 64 MB, older epochs thinned), also an epoch closed by
sample steps.

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
``MODEL, model``                   the answer to ``GET_MODEL`` and ``SEEK``
``STATE, asked, epoch, params``    the answer to ``STATE_AT`` (``epoch`` None and
                                   ``params`` None when nothing is recorded)
``RECORDING, table``               the answer to ``GET_RECORDING``
``LIVE_MODEL, model``              the answer to ``WANT_MODEL``: ``model_to_dict`` of
                                   the model as of the ``SNAPSHOT`` just sent (weights
                                   and full training state at that epoch)
``SAMPLE, trace, message, model,   the answer to ``STEP_SAMPLE``: the step's trace
snapshot, view``                   (``core.explain``; None with ``message`` saying why
                                   not), the model (``model_to_dict``, cursor included)
                                   and a ``Snapshot`` (the epoch's errors when the step
                                   closed it, none else) with its view data
``HINT, hint``                     a ``hints.Hint``: the error jumped up and stays
                                   high, or the outputs stopped differing
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
SET_SPEED = "set_speed"
STATE_AT = "state_at"
SEEK = "seek"
GET_RECORDING = "get_recording"
SET_RECORDING = "set_recording"
WANT_MODEL = "want_model"
STEP_SAMPLE = "step_sample"
QUIT = "quit"

READY = "ready"
SNAPSHOT = "snapshot"
FINISHED = "finished"
FAILED = "failed"
MODEL = "model"
STATE = "state"
RECORDING = "recording"
LIVE_MODEL = "live_model"
HINT = "hint"
SAMPLE = "sample"

#: Handled by the trainer's reader thread as they arrive, even during an epoch.
IMMEDIATE = frozenset({SET_POINTS, CONFIGURE, SET_ARRAYS, SET_VIEW, SET_PARAM, PAUSE, STOP, ACK,
                       SET_SPEED, WANT_MODEL})
#: Handled by the trainer's main loop, in order, between runs.
QUEUED = frozenset({SET_MODEL, PLAY, GET_MODEL, STATE_AT, SEEK, GET_RECORDING, SET_RECORDING,
                    STEP_SAMPLE, QUIT})
