"""An offline Pulumi engine for tests: the real program and provider processes, no CLI.

See ``engine.Engine``; ``automation.CliStack`` runs the same passes through the real CLI.
"""

from harness.engine.engine import Engine
from harness.engine.state import Checkpoint, ResourceState
from harness.engine.summary import PassFailed, PassSummary, StepRecord

__all__ = ["Checkpoint", "Engine", "PassFailed", "PassSummary", "ResourceState", "StepRecord"]
