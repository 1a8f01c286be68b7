"""Every reach into Rasa's private API, for the one Rasa version it was read against.

Rasa 3.6 has no public hook for what these do, so they replace or rely on private names of
Rasa 3.6.21. Another version may have moved, renamed or changed one of them, and a patch that
silently stops applying brings back the defect it fixed. So :func:`install`, called by every
channel when Rasa mounts it (in the Rasa server process, before the agent is loaded), refuses
to start on any other version, and checks that each private name below is still there.

Patches (installed by :func:`install`):

- cached action-result validation (`RemoteAction._validate_action_result`);
- a log probe on `rasa.core.processor` that tells a turn a custom action failed (Rasa only
  logs it), read through :func:`recording_action_failures`;
- strict tracker store (`FailSafeTrackerStore._on_tracker_store_error`), per agent, through
  :func:`strict_tracker_store_on_start` and :func:`make_tracker_store_strict`;
- inference-only model loading (`RasaModel.load`): no training step traced to load weights.

Private names the project's subclasses override or read, checked by :func:`install` too:
`bot/tracker_store.py` (SQLTrackerStore's `_event_query`, `_additional_events`,
`session_scope`, `SQLEvent`, `Base`; TrackerStore's `_stream_new_events`),
`bot/lock_store.py` (RedisLockStore's `red`, `key_prefix`) and `bot/channels/webchat.py`
(SocketIOOutput's `_send_message`, SocketBlueprint's `ctx.socketio_path`).
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import logging
from collections.abc import Iterator
from typing import Any

from sanic import Blueprint

logger = logging.getLogger(__name__)

# The version every patch and private name below was read against.
RASA_VERSION = "3.6.21"

# Rasa logs this (rasa/core/processor.py, `_run_action`) when a custom action raises, then
# carries on without the action's events: the only trace of a failed action in a turn.
ACTION_FAILURE_LOG = "Encountered an exception while running action"
PROCESSOR_LOGGER = "rasa.core.processor"


class UnsupportedRasaVersion(RuntimeError):
    """Rasa is not the version the patches were written for; the message says what to do."""


def check_rasa_version(version: str | None = None) -> None:
    """Refuse any Rasa but :data:`RASA_VERSION` (``version`` defaults to the installed one)."""
    if version is None:
        import rasa

        version = rasa.__version__
    if version != RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"Rasa {version} installé, mais bot/rasa_patches.py est écrit pour Rasa {RASA_VERSION} : "
            "relisez chaque correctif contre le code de cette version, puis changez RASA_VERSION "
            "(ou réinstallez requirements/lock.txt)."
        )


def _assigned_in(function: Any, *names: str) -> bool:
    # Attributes set in __init__ exist only on instances; the names a function's code reads or
    # writes are in its co_names, so they can be checked without building one.
    code = getattr(function, "__code__", None)
    return code is not None and all(name in code.co_names for name in names)


def check_private_names() -> None:
    """Raise UnsupportedRasaVersion when a private name the project relies on is missing."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
    from rasa.core.lock_store import RedisLockStore
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
    from rasa.utils.tensorflow.models import RasaModel

    rasa_load_source = inspect.getsource(_rasa_model_load(RasaModel))
    missing = [
        label
        for label, present in (
            ("RemoteAction._validate_action_result", hasattr(RemoteAction, "_validate_action_result")),
            (
                "RemoteAction.action_response_format_spec",
                hasattr(RemoteAction, "action_response_format_spec"),
            ),
            (
                "FailSafeTrackerStore._on_tracker_store_error",
                _assigned_in(FailSafeTrackerStore.__init__, "_on_tracker_store_error"),
            ),
            (
                f"MessageProcessor._run_action logging « {ACTION_FAILURE_LOG} »",
                hasattr(MessageProcessor, "_run_action")
                and ACTION_FAILURE_LOG in inspect.getsource(MessageProcessor._run_action),
            ),
            (
                "RasaModel.load fitting one batch before load_weights",
                "model.fit(" in rasa_load_source and "model.load_weights(" in rasa_load_source,
            ),
            ("SQLTrackerStore._event_query", hasattr(SQLTrackerStore, "_event_query")),
            ("SQLTrackerStore._additional_events", hasattr(SQLTrackerStore, "_additional_events")),
            ("SQLTrackerStore.session_scope", hasattr(SQLTrackerStore, "session_scope")),
            ("SQLTrackerStore.SQLEvent", hasattr(SQLTrackerStore, "SQLEvent")),
            ("SQLTrackerStore.Base", hasattr(SQLTrackerStore, "Base")),
            ("TrackerStore._stream_new_events", hasattr(TrackerStore, "_stream_new_events")),
            ("RedisLockStore.red, key_prefix", _assigned_in(RedisLockStore.__init__, "red", "key_prefix")),
            ("SocketIOOutput._send_message", hasattr(SocketIOOutput, "_send_message")),
            ("SocketBlueprint.ctx.socketio_path", _assigned_in(SocketBlueprint.__init__, "socketio_path")),
        )
        if not present
    ]
    if missing:
        raise UnsupportedRasaVersion(
            f"Noms privés de Rasa introuvables : {', '.join(missing)} (bot/rasa_patches.py)."
        )


def install(version: str | None = None) -> None:
    """Check the Rasa version and its private names, then install every patch (idempotent).

    Raises:
        UnsupportedRasaVersion: Rasa is not :data:`RASA_VERSION`, or a private name is gone.
    """
    check_rasa_version(version)
    check_private_names()
    install_action_failure_probe()
    install_cached_action_validation()
    install_inference_only_load()


# Per-turn list filled by the log probe below; each request's task has its own context.
_turn_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "coordo_turn_failures", default=None
)


class _ActionFailureProbe(logging.Handler):
    """Notes, for the turn being handled, that Rasa swallowed a custom action's exception."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _turn_failures.get()
        if failures is not None and record.getMessage().startswith(ACTION_FAILURE_LOG):
            failures.append(record.getMessage())


_probe = _ActionFailureProbe(level=logging.ERROR)


def install_action_failure_probe() -> None:
    """Attach the probe to Rasa's processor logger (once)."""
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if _probe not in processor_logger.handlers:
        processor_logger.addHandler(_probe)


@contextlib.contextmanager
def recording_action_failures() -> Iterator[list[str]]:
    """A list that collects the custom-action failures of the tasks created inside the block.

    A task copies the context it is created in, so the turn's task keeps the list after the
    block ends while other turns, created elsewhere, never see it.
    """
    failures: list[str] = []
    token = _turn_failures.set(failures)
    try:
        yield failures
    finally:
        _turn_failures.reset(token)


def install_cached_action_validation() -> None:
    """Validate action-server answers with a validator built once instead of once per call.

    Rasa 3.6 checks every answer of the action server with `jsonschema.validate(result,
    schema)`, which starts by checking Rasa's own constant schema against the JSON Schema
    2020-12 meta-schema: about 25 ms per custom action call on this project's machines, more
    than the action itself, and paid twice by a form turn (see docs/performance.md). Same
    schema, same error (the best match, with Rasa's explanation appended), none of that cost.
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "_cached_validator", False):
        return
    validators: dict[type, Any] = {}

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        validator = validators.get(type(self))
        if validator is None:
            schema = self.action_response_format_spec()
            validator = validators[type(self)] = validator_for(schema)(schema)
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                "from the Action endpoint is valid."
            )
            raise error
        return True

    _validate_action_result._cached_validator = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _raise_tracker_store_error(error: Exception) -> None:
    raise error


def make_tracker_store_strict(agent: Any) -> None:
    """Let tracker-store errors fail the turn instead of being papered over.

    Rasa wraps every tracker store in a FailSafeTrackerStore that, when the database fails,
    answers the turn from a blank conversation (retrieve returns None) and saves it in process
    memory: the user gets an answer without context and the message never reaches the
    database. Its error callback is called inside the `except`; raising there makes the turn
    fail, so the channel answers that the service is unavailable and nothing diverges from
    the database. Does nothing before an agent is loaded.
    """
    from rasa.core.tracker_store import FailSafeTrackerStore

    store = getattr(agent, "tracker_store", None)
    if (
        isinstance(store, FailSafeTrackerStore)
        and store._on_tracker_store_error is not _raise_tracker_store_error
    ):
        store._on_tracker_store_error = _raise_tracker_store_error


def strict_tracker_store_on_start(blueprint: Blueprint) -> None:
    """Make the agent's tracker store strict once the server has started."""

    @blueprint.listener("after_server_start")
    async def strict_tracker_store(app: Any, _loop: Any) -> None:
        # The agent is loaded by Rasa's own before_server_start listener.
        make_tracker_store_strict(getattr(app.ctx, "agent", None))


def _rasa_model_load(rasa_model: type) -> Any:
    """Rasa's own `RasaModel.load`, also once the patch below replaced it."""
    load = rasa_model.load.__func__
    return getattr(load, "_rasa_load", load)


def install_inference_only_load() -> None:
    """Load a model for prediction without tracing a training step first.

    Rasa 3.6 builds a loaded model's variables by fitting it on one example, then overwrites
    them with the saved weights: TensorFlow traces the whole training step (loss, gradients,
    optimizer) only to throw it away, the largest part of a Rasa instance's start-up (see
    docs/performance.md). TensorFlow checkpoints restore variables created after
    `load_weights` as they are created, so reading the weights first and then running the
    prediction Rasa runs anyway builds exactly the variables prediction uses, with their saved
    values; the optimizer's state, which prediction never reads, is left out (`expect_partial`).
    Fine-tuning (`rasa train --finetune`) still takes Rasa's own path, which needs the optimizer.
    tests/bot/test_rasa_patches.py checks both ways give the same predictions.
    """
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.models import RasaModel

    rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]
    if getattr(rasa_load, "_inference_only", False):
        return

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or not predict_data_example:
            return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                             *args, **kwargs)
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(
            optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
            run_eagerly=config.get(RUN_EAGERLY),
        )
        model.load_weights(model_file_name).expect_partial()
        model.run_inference(predict_data_example)
        return model

    load._inference_only = True  # type: ignore[attr-defined]
    load._rasa_load = rasa_load  # type: ignore[attr-defined]
    RasaModel.load = classmethod(load)  # type: ignore[method-assign, assignment]
