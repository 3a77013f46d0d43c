"""The Pulumi program (`__main__.py`) under Pulumi's mocks.

The real program runs in-process as the language host runs it (``runpy`` of the project
folder, then its ``pulumi.run`` entry point: ``harness.engine.program_host.run_program``)
against a recording mock monitor: every RegisterResourceRequest (type, name, inputs,
dependencies, secret outputs) and the stack's outputs as they go over the wire are kept. The
mocked cloud answers with made-up ids and outputs, distinct per resource and per output, so a
reference wired to the wrong output shows.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import itertools
import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.errors import RunError
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func

from bench.scaling import write_catalog
from harness.engine import program_host
from providers.catalog import Catalog, Reference, check_catalog, load_catalog
from providers.resources import MsgsmsResource
from providers.spec import KINDS

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "catalogs" / "broken"
TOKEN = "pulumi-python:dynamic/msgsms:{}"
TYPES = {"app": "App", "file": "SignatureFile", "signature": "Signature", "template": "Template"}
SECRET = {rpc._special_sig_key: rpc._special_secret_sig}

# -------------------------------------------------------------------------------------------
# The mocked cloud: ids and outputs derived from the resource name, one prefix per output.

MOCK_OUTPUTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "App": lambda name: {
        "app_key": f"key-{name}",
        "app_secret": f"secret-{name}",
        "status": "CREATED",
        "app_access_addr": "https://msgsms.example/sms/batchSendSms/v1",
    },
    "SignatureFile": lambda name: {
        "file_id": f"file-{name}",
        "file_name": f"{name}.png",
        "file_size": 4096,
    },
    "Signature": lambda name: {
        "signature_id": f"sid-{name}",
        "status": "PENDING_REVIEW",
        "review_state": "pending",
        "channel_num": f"csms-{name}",
    },
    "Template": lambda name: {
        "template_id": f"tid-{name}",
        "flow_status": "Reviewing",
        "review_state": "pending",
        "segments": 2,
    },
}
MOCK_IDS = {
    "Reviews": "reviews",
    "App": "app-{}",
    "SignatureFile": "upload-{}",
    "Signature": "sig-{}",
    "Template": "tpl-{}",
}
#: What a reference resolves to: an app's id, a file's file_id, a signature's id.
RESOLVED = {"app": "app-{}", "file": "file-{}", "signature": "sig-{}"}


#: The waited entries' catalog fields: the Reviews resource takes them, not the entry's.
WAITING = ("wait_for", "wait_timeout")


def _decisions(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """What the mocked wait decides: every object approved, with ids of its own."""
    return {
        o["key"]: {
            "id": o["id"],
            "status": f"APPROVED-{o['key']}",
            "review_state": "approved",
            "template_id": f"rtid-{o['key']}",
            "signature_id": f"rsid-{o['key']}",
            "channel_num": f"rcsms-{o['key']}",
        }
        for o in objects
    }


class MockCloud(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        kind = args.typ.rsplit(":", 1)[1]
        if kind == "Reviews":
            return "reviews", {**args.inputs, "decisions": _decisions(args.inputs["objects"])}
        return MOCK_IDS[kind].format(args.name), {**args.inputs, **MOCK_OUTPUTS[kind](args.name)}

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        raise NotImplementedError(f"the program invokes nothing, yet it called {args.token}")


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    dependencies: set[str]
    property_dependencies: dict[str, set[str]]
    secret_outputs: list[str]


def _in_thread_loop(call: Callable[[], Any]) -> Any:
    """Run a monitor call of an executor thread with an event loop of its own, closed after:
    the mock monitor would leave one unclosed per thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return call()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return call()
    finally:
        asyncio.set_event_loop(None)
        loop.close()


class RecordingMonitor(mocks.MockMonitor):
    """The mock monitor, keeping each registration and the stack outputs in wire form."""

    def __init__(self, cloud: mocks.Mocks) -> None:
        super().__init__(cloud)
        self.registrations: list[Registration] = []
        self.stack_outputs: dict[str, Any] | None = None

    def RegisterResource(self, request: Any) -> Any:
        response = _in_thread_loop(lambda: super(RecordingMonitor, self).RegisterResource(request))
        if request.type != "pulumi:pulumi:Stack":
            inputs = json_format.MessageToDict(request.object)
            inputs.pop("__provider", None)
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    inputs={k: v for k, v in inputs.items() if v is not None},
                    dependencies=set(request.dependencies),
                    property_dependencies={
                        k: set(v.urns) for k, v in request.propertyDependencies.items() if v.urns
                    },
                    secret_outputs=list(request.additionalSecretOutputs),
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn.endswith("::msgsms-" + settings.get_stack()):
            self.stack_outputs = json_format.MessageToDict(request.outputs)
        return super().RegisterResourceOutputs(request)


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class ProgramRun:
    """One run of ``__main__.py`` under the mocks and what it registered and logged."""

    monitor: RecordingMonitor = field(default_factory=lambda: RecordingMonitor(MockCloud()))
    logs: list[logging.LogRecord] = field(default_factory=list)
    project: Path = ROOT

    def run(self, stack: str, config: dict[str, Any] | None = None) -> ProgramRun:
        """Run the program (of :attr:`project`) for ``stack`` with ``config`` (``msgsms:*``
        keys); a program error is raised. Each run has a thread and a context of its own (the
        Pulumi runtime keeps its settings, config and root stack in context variables) and its
        own event loop, so nothing of it is left to the next test."""
        logger = logging.getLogger(f"{__name__}.{stack}")
        logger.propagate = False
        handler = _Collect(self.logs)
        logger.addHandler(handler)

        def in_context() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            collector = gc.get_threshold()  # the program tunes the collector of its process
            try:
                # set_mocks leaves these to values shared by every context, where an earlier
                # mocked program may have left tasks of its own event loop
                settings.SETTINGS.outputs = set()
                settings.SETTINGS.lock = threading.Lock()
                set_all_config({k: str(v) for k, v in (config or {}).items()}, [])
                mocks.set_mocks(
                    self.monitor.mocks,
                    project="msgsms",
                    stack=stack,
                    preview=False,
                    logger=logger,
                    monitor=self.monitor,
                )
                loop.run_until_complete(
                    run_pulumi_func(lambda: program_host.run_program(str(self.project)))
                )
            finally:
                loop.run_until_complete(loop.shutdown_default_executor())
                asyncio.set_event_loop(None)
                loop.close()
                gc.unfreeze()
                gc.set_threshold(*collector)

        failures: list[BaseException] = []

        def in_thread() -> None:
            try:
                contextvars.Context().run(in_context)
            except BaseException as exc:  # handed to the test's thread
                failures.append(exc)

        thread = threading.Thread(target=in_thread, name=f"program-{stack}")
        try:
            thread.start()
            thread.join()
        finally:
            logger.removeHandler(handler)
        if failures:
            raise failures[0]
        return self

    @property
    def registrations(self) -> list[Registration]:
        """The catalog's resources (the wait for reviews apart: :attr:`reviews`)."""
        return [r for r in self.monitor.registrations if r.type != TOKEN.format("Reviews")]

    @property
    def reviews(self) -> Registration | None:
        found = [r for r in self.monitor.registrations if r.type == TOKEN.format("Reviews")]
        assert len(found) <= 1
        return found[0] if found else None

    def get(self, name: str) -> Registration:
        (found,) = [r for r in self.registrations if r.name == name]
        return found

    def urn(self, name: str) -> str:
        return self.get(name).urn

    @property
    def outputs(self) -> dict[str, Any]:
        assert self.monitor.stack_outputs is not None, "the stack outputs were not registered"
        return self.monitor.stack_outputs


def run_program(stack: str, config: dict[str, Any] | None = None) -> ProgramRun:
    return ProgramRun().run(stack, config)


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pulumi runs a program in the project root."""
    monkeypatch.chdir(ROOT)


# -------------------------------------------------------------------------------------------
# The example stacks

STACKS = ["dev", "prod"]


@pytest.fixture(scope="module", params=STACKS)
def example(request: pytest.FixtureRequest) -> Iterator[tuple[Catalog, ProgramRun]]:
    stack = request.param
    catalog = load_catalog(ROOT / "stacks" / f"{stack}.sms.yaml", root=ROOT)
    yield catalog, run_program(stack, {"msgsms:region": "cn-north-4"})


def test_every_entry_becomes_one_resource_named_by_its_key(
    example: tuple[Catalog, ProgramRun],
) -> None:
    catalog, run = example
    declared = sorted((r.type, r.name) for r in run.registrations)
    expected = sorted((TOKEN.format(TYPES[d.kind]), d.key) for d in catalog)
    assert declared == expected
    assert len(declared) == len(catalog)


def test_inputs_are_the_catalogs_with_references_resolved_to_outputs(
    example: tuple[Catalog, ProgramRun],
) -> None:
    catalog, run = example
    for declaration in catalog:
        expected = declaration.resolve(lambda ref: RESOLVED[ref.kind].format(ref.key))
        expected = {k: v for k, v in expected.items() if k not in WAITING}
        assert run.get(declaration.key).inputs == expected, declaration.key


def _waited(catalog: Catalog) -> dict[str, Any]:
    """``section/key`` -> timeout of the entries declared with ``wait_for: approved``."""
    sections = {"signature": "signatures", "template": "templates"}
    return {
        f"{sections[d.kind]}/{d.key}": d.inputs.get("wait_timeout", 600.0)
        for d in catalog
        if d.inputs.get("wait_for") == "approved"
    }


def test_one_resource_waits_for_every_entry_declared_wait_for_approved(
    example: tuple[Catalog, ProgramRun],
) -> None:
    catalog, run = example
    waited = _waited(catalog)
    if not waited:
        assert run.reviews is None
        return
    reviews = run.reviews
    assert reviews is not None and reviews.name == "reviews"
    objects = {o["key"]: o for o in reviews.inputs["objects"]}
    assert {k: o["timeout"] for k, o in objects.items()} == waited
    for key, obj in objects.items():
        entry = key.split("/", 1)[1]
        assert obj["id"] == MOCK_IDS[TYPES[obj["kind"]]].format(entry)
        assert obj["app_id"] == run.get(entry).inputs["app_id"]
        assert obj["region"] == run.get(entry).inputs["region"]
    # it is declared once everything it waits for is: it depends on each of them
    assert reviews.dependencies == {run.urn(k.split("/", 1)[1]) for k in waited}


def test_dependencies_flow_through_the_references(example: tuple[Catalog, ProgramRun]) -> None:
    catalog, run = example
    for declaration in catalog:
        registration = run.get(declaration.key)
        refs: dict[str, Reference] = dict(declaration.references)
        assert registration.property_dependencies == {
            prop: {run.urn(ref.key)} for prop, ref in refs.items()
        }, declaration.key
        # and nothing else: no explicit depends_on
        assert registration.dependencies == {run.urn(r.key) for r in refs.values()}


def test_only_the_app_secret_is_a_secret_output(example: tuple[Catalog, ProgramRun]) -> None:
    _, run = example
    for registration in run.registrations:
        expected = ["app_secret"] if registration.type == TOKEN.format("App") else []
        assert registration.secret_outputs == expected, registration.name


def test_outputs_are_grouped_by_kind_and_keyed_like_the_catalog(
    example: tuple[Catalog, ProgramRun],
) -> None:
    catalog, run = example
    outputs = run.outputs
    assert set(outputs) == {"apps", "files", "signatures", "templates"}
    for app in catalog.of_kind("app"):
        assert outputs["apps"][app.key] == {
            "id": f"app-{app.key}",
            "app_key": f"key-{app.key}",
            "app_secret": {**SECRET, "value": f"secret-{app.key}"},
            "status": "CREATED",
        }
    for file in catalog.of_kind("file"):
        assert outputs["files"][file.key] == {
            "id": f"upload-{file.key}",
            "file_id": f"file-{file.key}",
        }
    # a waited entry exports what its review decided; the others their own outputs
    waited = _waited(catalog)
    for signature in catalog.of_kind("signature"):
        exported = outputs["signatures"][signature.key]
        key = f"signatures/{signature.key}"
        assert exported["id"] == f"sig-{signature.key}"
        if key in waited:
            assert exported["signature_id"] == f"rsid-{key}"
            assert exported["status"] == f"APPROVED-{key}"
            assert exported["channel_num"] == f"rcsms-{key}"
        else:
            assert exported["signature_id"] == f"sid-{signature.key}"
            assert exported["status"] == "PENDING_REVIEW"
            assert exported["channel_num"] == f"csms-{signature.key}"
        assert exported.get("review_desc") is None
    for template in catalog.of_kind("template"):
        exported = outputs["templates"][template.key]
        key = f"templates/{template.key}"
        assert exported["id"] == f"tpl-{template.key}"
        if key in waited:
            assert exported["template_id"] == f"rtid-{key}"
            assert exported["flow_status"] == f"APPROVED-{key}"
        else:
            assert exported["template_id"] == f"tid-{template.key}"
            assert exported["flow_status"] == "Reviewing"
        assert exported["segments"] == 2
    assert {kind: set(values) for kind, values in outputs.items()} == {
        kind.section: {d.key for d in catalog.of_kind(kind.name)} for kind in KINDS
    }


# -------------------------------------------------------------------------------------------
# The dev stack, spelled out: the wiring a reader of stacks/dev.sms.yaml expects


@pytest.fixture(scope="module")
def dev() -> ProgramRun:
    return run_program("dev", {"msgsms:region": "cn-north-4"})


def test_dev_signatures_take_their_app_and_the_uploaded_licence(dev: ProgramRun) -> None:
    for key in ("shop_code", "shop_notify", "shop_promo"):
        signature = dev.get(key)
        assert signature.inputs["app_id"] == "app-shop"
        assert signature.inputs["file_id"] == "file-licence"  # the file_id, not the upload's id
        assert signature.dependencies == {dev.urn("shop"), dev.urn("licence")}
    assert dev.get("shop_code").inputs["signature_type"] == "VERIFY_CODE_TYPE"
    assert dev.get("licence").inputs == {
        "region": "cn-north-4",
        "path": "stacks/files/licence.png",  # relative to the project root, where providers run
        "description": "business licence",
    }


def test_dev_templates_take_their_signature_or_only_their_app(dev: ProgramRun) -> None:
    login = dev.get("login_code")
    assert login.inputs["sign_id"] == "sig-shop_code"
    assert login.inputs["signature_name"] == "云商城"
    assert login.dependencies == {dev.urn("shop"), dev.urn("shop_code")}
    universal = dev.get("service_visit")
    assert "sign_id" not in universal.inputs
    assert universal.inputs["universal_template"] == 1
    assert universal.dependencies == {dev.urn("shop")}
    world_otp = dev.get("global_otp")
    assert world_otp.inputs["app_id"] == "app-world"
    assert world_otp.inputs["region"] == "ap-southeast-1"
    assert world_otp.inputs["scope"] == "intl"
    assert world_otp.dependencies == {dev.urn("world")}


def test_dev_apps_and_files_depend_on_nothing(dev: ProgramRun) -> None:
    for key in ("shop", "world", "licence"):
        assert dev.get(key).dependencies == set()


# -------------------------------------------------------------------------------------------
# Stack config


def _copy_catalog(tmp_path: Path, text: str) -> Path:
    (tmp_path / "files").mkdir()
    shutil.copy(ROOT / "stacks" / "files" / "licence.png", tmp_path / "files" / "licence.png")
    path = tmp_path / "team.sms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


REGIONLESS = """\
apps:
  shop: {name: shop-notify, scope: cn}
files:
  licence: {path: files/licence.png}
signatures:
  shop_sig: {app: shop, name: 云商城, type: NOTIFY_TYPE, source: 0, licence_file: licence}
"""


def test_the_catalog_and_default_region_come_from_the_stack_config(tmp_path: Path) -> None:
    path = _copy_catalog(tmp_path, REGIONLESS)

    run = run_program("team", {"msgsms:catalog": str(path), "msgsms:region": "cn-south-1"})

    assert sorted(r.name for r in run.registrations) == ["licence", "shop", "shop_sig"]
    assert {r.inputs["region"] for r in run.registrations} == {"cn-south-1"}
    # a file path in the catalog is relative to the catalog file
    assert run.get("licence").inputs["path"] == str((tmp_path / "files" / "licence.png").resolve())


def test_hw_region_name_is_the_default_region_without_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_catalog(tmp_path, REGIONLESS)
    monkeypatch.setenv("HW_REGION_NAME", "ap-southeast-1")

    run = run_program("team", {"msgsms:catalog": str(path)})

    assert {r.inputs["region"] for r in run.registrations} == {"ap-southeast-1"}


def test_catalog_warnings_are_logged_and_the_program_goes_on(tmp_path: Path) -> None:
    path = _copy_catalog(
        tmp_path, REGIONLESS.replace("files:\n", "files:\n  spare: {path: files/licence.png}\n")
    )

    run = run_program("team", {"msgsms:catalog": str(path), "msgsms:region": "cn-north-4"})

    assert "spare" in {r.name for r in run.registrations}
    warnings = [r.getMessage() for r in run.logs if r.levelno == logging.WARNING]
    assert any("files.spare" in w and "no signature uses this file" in w for w in warnings)


# -------------------------------------------------------------------------------------------
# A broken catalog


def test_a_broken_catalog_declares_nothing_and_lists_every_problem(tmp_path: Path) -> None:
    path = _copy_catalog(
        tmp_path,
        REGIONLESS.replace("type: NOTIFY_TYPE", "type: NOTICE").replace(
            "licence_file: licence", "licence_file: license"
        ),
    )
    _, problems, _ = check_catalog(path, root=ROOT, default_region="cn-north-4")
    assert len(problems) >= 2
    program = ProgramRun()

    with pytest.raises(RunError) as failure:
        program.run("team", {"msgsms:catalog": str(path), "msgsms:region": "cn-north-4"})

    assert program.registrations == []
    message = str(failure.value)
    assert f"the catalog {path} has {len(problems)} problem(s); nothing was declared" in message
    for problem in problems:
        assert f"{path}:{problem.line}: {problem.path}: {problem.message}" in message.splitlines()
    assert "signatures.shop_sig.type" in message
    assert "did you mean 'licence'?" in message


@pytest.mark.parametrize(
    "name", ["unknown_app", "yaml_syntax", "duplicate_entry_key", "verify_code_link"]
)
def test_broken_examples_stop_before_any_resource(name: str) -> None:
    # relative to the project root, as a stack configures it, and shown that way
    relative = (BROKEN / f"{name}.sms.yaml").relative_to(ROOT)
    _, problems, _ = check_catalog(relative, root=ROOT)
    assert problems
    program = ProgramRun()

    with pytest.raises(RunError) as failure:
        program.run("team", {"msgsms:catalog": str(relative)})

    assert program.registrations == []
    lines = str(failure.value).splitlines()
    for problem in problems:
        assert str(problem) in lines
        assert str(problem).startswith(f"{relative}:")


def test_a_stack_without_a_catalog_is_told_where_it_was_looked_for() -> None:
    program = ProgramRun()

    with pytest.raises(RunError) as failure:
        program.run("nowhere")

    assert program.registrations == []
    assert str(failure.value) == (
        "stack 'nowhere' has no catalog at stacks/nowhere.sms.yaml: create it, or point the "
        "stack at one with `pulumi config set msgsms:catalog <path>`"
    )


# -------------------------------------------------------------------------------------------
# When registrations leave


def test_the_event_loop_runs_between_two_declarations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK sends a registration from the event loop: the program gives the loop a turn
    after each resource it declares, so the first registrations leave while the rest are still
    being declared (a program that declared everything in its top-level code would send
    nothing before its last resource)."""
    path = tmp_path / "many.sms.yaml"
    write_catalog(path, templates=20)  # an app and 20 templates, as the benchmarks declare
    turns = [0]
    seen: list[int] = []
    declare = MsgsmsResource.__init__

    def tick() -> None:
        turns[0] += 1
        asyncio.get_running_loop().call_soon(tick)

    def counting(self: MsgsmsResource, *args: Any, **kwargs: Any) -> None:
        if not seen:
            asyncio.get_running_loop().call_soon(tick)
        seen.append(turns[0])
        declare(self, *args, **kwargs)

    monkeypatch.setattr(MsgsmsResource, "__init__", counting)
    run = run_program("team", {"msgsms:catalog": str(path), "msgsms:region": "cn-north-4"})

    assert len(run.registrations) == len(seen) == 21
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))


def test_the_program_host_runs_a_pulumi_run_entry_point_as_the_language_host_does(
    tmp_path: Path,
) -> None:
    """``pulumi.run``'s entry point runs after the module, and what it exports or returns is
    exported beside the module's own exports (``run_in_stack``)."""
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "pulumi.export('module', 1)\n"
        "async def main():\n"
        "    pulumi.export('exported', 2)\n"
        "    return {'returned': 3, 'module': 4}\n"
        "pulumi.run(main)\n",
        "utf-8",
    )

    run = ProgramRun(project=tmp_path).run("toy")

    assert run.outputs == {"module": 4, "exported": 2, "returned": 3}
