"""Progress reporting and cancellation shared by every engine function.

Engine functions accept a ``feedback`` object with two methods,
``setProgress(percent: float)`` and ``isCanceled() -> bool``. A
``QgsProcessingFeedback`` has both, so the Processing adapters pass theirs
straight through; plain Python callers may pass nothing.
"""

from .errors import Canceled


class NullFeedback:
    """Feedback that records nothing and never cancels."""

    def setProgress(self, percent):  # noqa: N802 - mirrors QgsFeedback
        pass

    def isCanceled(self):  # noqa: N802 - mirrors QgsFeedback
        return False


class SubFeedback:
    """Maps progress 0-100 of a sub-task onto ``[start, end]`` of a parent."""

    def __init__(self, parent, start, end):
        self._parent = parent or NullFeedback()
        self._start = float(start)
        self._span = float(end) - float(start)

    def setProgress(self, percent):  # noqa: N802
        percent = min(100.0, max(0.0, float(percent)))
        self._parent.setProgress(self._start + self._span * percent / 100.0)

    def isCanceled(self):  # noqa: N802
        return self._parent.isCanceled()


def check_canceled(feedback):
    """Raise :class:`Canceled` if ``feedback`` asks to stop."""
    if feedback is not None and feedback.isCanceled():
        raise Canceled()
