"""Whatever a client sends, the answer is a shaped error or a success, never a 500."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi

FIELDS = {
    "/apps": [
        "app_name",
        "region",
        "location",
        "show_secret",
        "up_link_addr",
        "enterprise_project_id",
        "create_sign_and_template",
    ],
    "/signatures": [
        "app_id",
        "signature_name",
        "signature_type",
        "signature_source",
        "is_involved_third",
        "apply_desc",
        "file_id",
        "qualification_id",
    ],
    "/templates": [
        "app_id",
        "region",
        "template_name",
        "template_content",
        "template_type",
        "sign_id",
        "universal_template",
        "send_country",
        "variable_attributes",
        "flow_status",
        "brackets",
    ],
    "/templates/batch-delete": ["ids"],
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["cn", "intl", "NOTIFY_TYPE", "Yes", "${1}", "验证码${1}", "", " "]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["variable_index", "variable_type", "x"]), children, max_size=3
        )
    ),
    max_leaves=8,
)


def _bodies(path: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(FIELDS[path] + ["extra"]), json_values, max_size=8)


def _assert_shaped(response: Any) -> None:
    assert response.status_code < 500, response.text
    assert response.headers.get("X-Request-Id")
    if response.status_code >= 400:
        body = response.json()
        assert "error_code" in body and "error_msg" in body, body


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_random_bodies_never_break_the_server(
    emulator: EmulatorProcess, api: RawApi, path: str, data: st.DataObject
) -> None:
    body = data.draw(_bodies(path))
    _assert_shaped(api.send("POST", path, content=json.dumps(body).encode()))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from(
        ["/apps", "/signatures", "/templates", "/country", "/apps-count", "/upload-files"]
    ),
    params=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "limit",
                    "offset",
                    "sort_dir",
                    "sort_key",
                    "start_time",
                    "end_time",
                    "region",
                    "status",
                    "file_id",
                    "app_name",
                    "flow_status",
                ]
            ),
            st.text(max_size=30),
        ),
        max_size=4,
    ),
)
def test_random_query_strings_never_break_the_server(
    emulator: EmulatorProcess, api: RawApi, suffix: str, params: list[tuple[str, str]]
) -> None:
    _assert_shaped(api.send("GET", suffix, params=params))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_break_the_server(
    emulator: EmulatorProcess, api: RawApi, raw: bytes
) -> None:
    _assert_shaped(api.send("POST", "/templates", content=raw))
    _assert_shaped(
        api.send(
            "POST",
            "/upload-files",
            content=raw,
            headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        )
    )
