"""The engine side of the resource monitor: a gRPC server the program process talks to.

The program runs under ``pulumi.runtime.set_mocks`` with a monitor that forwards its
``RegisterResource`` and ``RegisterResourceOutputs`` calls here (``program_host.py``); each
registration is turned into a :class:`Goal` and performed by the pass's :class:`Deployment`.
"""

from __future__ import annotations

from concurrent import futures
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import resource_pb2, resource_pb2_grpc

from harness.engine.deployment import AliasSpec, Deployment, Goal
from harness.engine.steps import StepError
from harness.wire import from_struct, to_struct

__all__ = ["MonitorServer", "goal_from_request", "unsupported_options"]

#: Registrations in flight at once: the program sends them all without waiting, and each is
#: answered only once its step has run; the engine's own parallelism limits the steps.
MAX_REGISTRATIONS = 512


def _aliases(request: resource_pb2.RegisterResourceRequest) -> list[AliasSpec]:
    specs = [AliasSpec(urn=urn) for urn in request.aliasURNs]
    for alias in request.aliases:
        if alias.HasField("spec"):
            spec = alias.spec
            specs.append(
                AliasSpec(
                    name=spec.name,
                    type=spec.type,
                    stack=spec.stack,
                    project=spec.project,
                    parent=spec.parentUrn,
                    no_parent=spec.noParent,
                )
            )
        else:
            specs.append(AliasSpec(urn=alias.urn))
    return specs


def unsupported_options(request: resource_pb2.RegisterResourceRequest) -> list[str]:
    """The options set in a registration that the offline engine does not model."""
    timeouts = request.customTimeouts
    found = {
        "custom_timeouts": bool(timeouts.create or timeouts.update or timeouts.delete),
        "providers": bool(request.providers),
        "remote (multi-language components)": request.remote,
        "replace_with": bool(request.replace_with),
        "replacement_trigger": request.HasField("replacement_trigger"),
        "transforms": bool(request.transforms),
        "hooks": request.hooks.ByteSize() > 0,
        "env_var_mappings": bool(request.envVarMappings),
    }
    return [name for name, present in found.items() if present]


def goal_from_request(request: resource_pb2.RegisterResourceRequest) -> Goal:
    return Goal(
        type=request.type,
        name=request.name,
        custom=request.custom,
        inputs=from_struct(request.object),
        parent=request.parent,
        dependencies=list(request.dependencies),
        property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
        protect=request.protect,
        retain_on_delete=request.retainOnDelete,
        delete_before_replace=(
            request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None
        ),
        ignore_changes=list(request.ignoreChanges),
        additional_secret_outputs=list(request.additionalSecretOutputs),
        replace_on_changes=list(request.replaceOnChanges),
        aliases=_aliases(request),
        deleted_with=request.deletedWith,
        provider=request.provider,
        import_id=request.importId,
        unsupported=unsupported_options(request),
    )


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment

    def RegisterResource(self, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            registered = self._deployment.register(goal_from_request(request))
        except StepError as exc:
            context.abort(grpc.StatusCode.UNKNOWN, str(exc))
        return resource_pb2.RegisterResourceResponse(
            urn=registered.urn,
            id=registered.id,
            object=to_struct(registered.outputs, keep_secrets=True, keep_unknowns=True),
            result=resource_pb2.SUCCESS,
        )

    def RegisterResourceOutputs(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._deployment.register_outputs(request.urn, from_struct(request.outputs))
        return empty_pb2.Empty()

    def _unsupported(self, what: str, context: grpc.ServicerContext) -> Any:
        context.abort(
            grpc.StatusCode.UNIMPLEMENTED, f"{what} is not supported by the offline engine"
        )

    def ReadResource(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unsupported("reading existing resources (Resource.get)", context)

    def Invoke(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unsupported(f"invoke {request.tok}", context)

    def Call(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._unsupported(f"call {request.tok}", context)


class MonitorServer:
    """A resource monitor on a free 127.0.0.1 port, serving one deployment."""

    def __init__(self, deployment: Deployment) -> None:
        self._server = grpc.server(
            futures.ThreadPoolExecutor(MAX_REGISTRATIONS, thread_name_prefix="monitor"),
            options=_GRPC_CHANNEL_OPTIONS,
        )
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_Monitor(deployment), self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"

    def __enter__(self) -> MonitorServer:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(grace=None).wait()
