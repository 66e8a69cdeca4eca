"""The state of every unit on any date, and the changes between dates. Pure: no I/O."""

from dashboard.timeline.core import Change, Segment, Timeline, UnitState

__all__ = ["Change", "Segment", "Timeline", "UnitState"]
