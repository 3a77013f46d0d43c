"""A catalog that refers to another team's app and signature by name (``{existing: …}``): they
are looked up at ``up``, read-only, and a destroy leaves them alone (offline engine, real
emulator, the other team's objects made with Huawei's SDK)."""

from __future__ import annotations

from pathlib import Path

import pytest
from huaweicloudsdkmsgsms.v2 import (
    CreateAppRequest,
    CreateSignatureRequest,
    SmsAppAddReq,
    SmsSignatureReq,
)

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed
from tests.e2e.gitops import GitopsStack
from tests.emulator.sdk import msgsms_client

pytestmark = pytest.mark.slow

CATALOG = """\
defaults: {region: cn-north-4}
templates:
  shipped:
    app: {existing: other-team-app}
    signature: {existing: 物流中心, type: NOTIFY_TYPE}
    name: shipped
    content: "您的订单${1}已发货。"
    variables: [{index: 1, type: CHARDIGIT}]
"""
LOOKUP_TYPE = "pulumi-python:dynamic/msgsms:Existing"


@pytest.fixture
def gitops(tmp_path: Path, emulator: EmulatorProcess) -> GitopsStack:
    stack = GitopsStack.create(Engine, tmp_path, emulator)
    stack.set_review("auto", delay=0.0)
    stack.catalog.path.write_text(CATALOG, encoding="utf-8")
    return stack


def _other_team(emulator: EmulatorProcess) -> tuple[str, str]:
    sdk = msgsms_client(emulator, "cn-north-4")
    app = sdk.create_app(
        CreateAppRequest(body=SmsAppAddReq(app_name="other-team-app", region="cn"))
    )
    signature = sdk.create_signature(
        CreateSignatureRequest(
            body=SmsSignatureReq(
                app_id=app.id,
                signature_name="物流中心",
                signature_type="NOTIFY_TYPE",
                signature_source=0,
                is_involved_third="No",
            )
        )
    )
    return app.id, signature.id


def test_existing_objects_are_read_never_written_and_survive_a_destroy(
    gitops: GitopsStack, emulator: EmulatorProcess
) -> None:
    app_id, sign_id = _other_team(emulator)
    mark = emulator.last_seq()

    summary = gitops.up()

    writes = gitops.writes(mark)
    assert [method for method, _ in writes] == ["POST"]  # the template, nothing else
    assert writes[0][1].endswith("/templates")
    lookups = [s for s in summary.steps if s.type == LOOKUP_TYPE]
    assert sorted(s.op for s in lookups) == ["create", "create"]  # two reads
    [template] = gitops.named("templates", "shipped")
    assert template["sign_id"] == sign_id
    assert template["app_key"] == gitops.object("apps", app_id)["app_key"]
    assert template["template_type"] == "NOTIFY_TYPE"  # from the signature it names

    again = gitops.up()
    assert again.api_requests == 0

    mark = emulator.last_seq()
    gitops.destroy()
    deleted = gitops.writes(mark)
    assert [path.rsplit("/", 2)[-2] for _, path in deleted] == ["templates"]
    assert app_id in gitops.ids("apps") and sign_id in gitops.ids("signatures")


def test_a_lookup_of_what_does_not_exist_fails_saying_what_to_check(
    gitops: GitopsStack, emulator: EmulatorProcess
) -> None:
    mark = emulator.last_seq()

    with pytest.raises(PassFailed) as failed:
        gitops.up()

    errors = "\n".join(failed.value.summary.errors)
    assert "there is no app named 'other-team-app' in cn-north-4" in errors
    assert "check the name in the catalog" in errors
    assert gitops.writes(mark) == []
