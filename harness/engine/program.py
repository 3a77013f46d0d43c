"""The program process: the project's ``__main__.py`` run by ``program_host.py``."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from harness.processes import die_with_parent

__all__ = ["ProgramRun"]

PROGRAM_HOST = Path(__file__).with_name("program_host.py")


class ProgramRun:
    """One run of the program against the monitor at ``monitor``; output lines are collected."""

    def __init__(
        self,
        *,
        python: str,
        project_dir: Path,
        project: str,
        stack: str,
        monitor: str,
        preview: bool,
        env: Mapping[str, str],
        parallel: int,
    ) -> None:
        command = [python, "-u", str(PROGRAM_HOST), "--monitor", monitor]
        command += ["--project", project, "--stack", stack, "--parallel", str(parallel)]
        if preview:
            command.append("--preview")
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            die_with_parent(command, python),
            cwd=project_dir,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for raw in iter(self._proc.stdout.readline, b""):
            with self._lock:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def __enter__(self) -> ProgramRun:
        return self

    def __exit__(self, *exc: object) -> None:
        # Interrupted (a test timeout, Ctrl-C): the program must not outlive the pass.
        if self._proc.poll() is None:
            self._proc.kill()
            self.wait(timeout=5)

    def wait(self, timeout: float) -> int:
        """The exit code; a program still running after ``timeout`` seconds is killed."""
        try:
            code = self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
            self.lines.append(f"the program was killed after {timeout:.0f} seconds")
            code = -9
        self._reader.join(timeout=5)
        if self._proc.stdout is not None and not self._proc.stdout.closed:
            self._proc.stdout.close()
        return code
