"""An offline Pulumi engine for tests: the real program and provider processes, no CLI.

See ``engine.Engine``; ``automation.CliStack`` runs the same passes through the real CLI.
"""

from tests.engine.engine import Engine
from tests.engine.state import Checkpoint, ResourceState
from tests.engine.summary import PassFailed, PassSummary, StepRecord

__all__ = ["Checkpoint", "Engine", "PassFailed", "PassSummary", "ResourceState", "StepRecord"]
