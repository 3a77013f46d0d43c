"""Run a Pulumi program under ``set_mocks`` with a monitor that forwards to the offline engine.

Started by the engine as ``python -u program_host.py --monitor ADDR --project P --stack S
--parallel N [--preview]`` with the project root as working directory and the stack config in
``PULUMI_CONFIG``. The program's ``__main__.py`` runs as the Python language host runs it
(``runpy.run_path`` of the project folder, then the entry point it gives ``pulumi.run``, as
``run_in_stack`` does: :func:`run_program`); every registration goes to the engine, which
performs the step against the real provider process and answers with real outputs (unknowns
in a preview). Stack exports are registered as the stack's outputs at the end. As in the
language host (``pulumi-language-python-exec``), the event loop's default executor, where the
SDK makes its blocking gRPC calls, has ``4 x parallel`` threads: with asyncio's default (a
few per CPU) the program could only have that many registrations in flight.

This file runs as a script in a fresh interpreter: it imports only the Pulumi SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.errors import RunError
from pulumi.runtime import mocks, settings
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import resource_pb2, resource_pb2_grpc

# The features the SDK may use with this monitor: those of the SDK's own mock monitor, less the
# ones that need a callback server (transforms, hooks) or a package registry.
SUPPORTED_FEATURES = [
    resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
]


class _NoMocks(mocks.Mocks):
    """Nothing is mocked: the engine monitor answers every registration."""

    def call(self, args: mocks.MockCallArgs) -> Any:
        raise NotImplementedError(f"invoke {args.token} is not supported by the offline engine")

    def new_resource(self, args: mocks.MockResourceArgs) -> Any:
        raise NotImplementedError("resources are registered with the offline engine")


class EngineMonitor:
    """The monitor given to ``set_mocks``: registrations go to the engine over gRPC."""

    def __init__(self, address: str) -> None:
        channel = grpc.insecure_channel(address, options=_GRPC_CHANNEL_OPTIONS)
        self._engine = resource_pb2_grpc.ResourceMonitorStub(channel)

    def RegisterResource(self, request: Any) -> Any:
        return self._engine.RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        return self._engine.RegisterResourceOutputs(request)

    def ReadResource(self, request: Any) -> Any:
        return self._engine.ReadResource(request)

    def Invoke(self, request: Any) -> Any:
        return self._engine.Invoke(request)

    def Call(self, request: Any) -> Any:
        return self._engine.Call(request)

    def SupportsFeature(self, request: Any) -> Any:
        supported = {
            "secrets": True,
            "resourceReferences": True,
            "aliasSpecs": True,
            "deletedWith": True,
        }
        return resource_pb2.SupportsFeatureResponse(hasSupport=supported.get(request.id, False))

    def GetDeploymentInfo(self, request: Any) -> Any:
        return resource_pb2.DeploymentInfo(supportedFeatures=SUPPORTED_FEATURES)

    def SignalAndWaitForShutdown(self, request: Any) -> Any:
        return empty_pb2.Empty()


def _program_logger() -> logging.Logger:
    # pulumi.log.* reaches the engine as log lines; print them for the engine to collect.
    logger = logging.getLogger("pulumi-program")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


async def run_program(project_dir: str) -> None:
    """Run the project's ``__main__.py`` in the root stack ``set_mocks`` made, as the language
    host's ``run_in_stack`` runs it: the module, then the entry point it gave ``pulumi.run``
    (awaited, the mapping it returns exported), then the stack's outputs are registered.

    ``set_mocks`` finishes its stack before any program runs, which closes it to
    ``pulumi.run``; it is reopened here.
    """
    stack = settings.get_root_resource()
    if not isinstance(stack, runtime_stack.Stack):
        raise RuntimeError("set_mocks made no root stack")
    if not hasattr(stack, "_async_program_registration_closed"):
        raise RuntimeError("this Pulumi SDK's Stack has no pulumi.run entry point to reopen")
    stack._async_program_registration_closed = False
    runpy.run_path(project_dir, run_name="__main__")
    entry = stack._take_async_program()
    if entry is not None:
        stack._add_program_outputs(await entry())
    # set_mocks registered its stack's (empty) outputs at once; the exports go now, as the
    # language host sends them at the end of a program
    stack.register_outputs(runtime_stack.massage(stack.outputs, []))


async def _run(project_dir: str) -> None:
    await runtime_stack.run_pulumi_func(functools.partial(run_program, project_dir))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitor", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--parallel", type=int, default=None)
    parser.add_argument("--preview", action="store_true")
    args = parser.parse_args()

    # Run as a script, this file's folder heads sys.path: the program must not see it.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if args.parallel is not None:
        loop.set_default_executor(ThreadPoolExecutor(max_workers=max(args.parallel, 1) * 4))
    mocks.set_mocks(
        _NoMocks(),
        project=args.project,
        stack=args.stack,
        preview=args.preview,
        logger=_program_logger(),
        monitor=EngineMonitor(args.monitor),  # type: ignore[arg-type]
    )
    try:
        loop.run_until_complete(_run(os.getcwd()))
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 32
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
