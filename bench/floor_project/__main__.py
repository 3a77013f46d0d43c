"""The floor: ``FLOOR_RESOURCES`` dynamic resources whose provider does nothing.

Each resource has two inputs and the stack exports its id, as the msgsms program exports an
id (and more) per catalog entry. What the msgsms stack costs above this, through the same
engine, is what its program, providers and API calls add.

With ``FLOOR_SHAPE=template`` the resources take the shape of the msgsms stack instead (one
"app", then templates with the inputs, the dependency on the app, the outputs and the exports
of a catalog template, each template's exports one Output), still doing nothing, with the
collector tuned as the msgsms program tunes it: what Pulumi's SDK and engine charge for that
shape, without any of the msgsms code.
"""

import gc
import os
from typing import Any

import pulumi
from nothing import Thing

count = int(os.environ["FLOOR_RESOURCES"])
shaped = os.environ.get("FLOOR_SHAPE") == "template"
if shaped:  # as the msgsms program does (see its __main__.py)
    gc.set_threshold(10_000, 10, 10)
    gc.freeze()
#: The outputs the msgsms program asks of a template, and those it exports.
OUTPUTS = ("template_id", "flow_status", "segments", "review_desc")


def template_props(i: int, app: Thing) -> dict[str, Any]:
    return {
        "region": "cn-north-4",
        "app_id": app.id,
        "scope": "cn",
        "template_name": f"notice-{i:04d}",
        "template_content": f"您的订单${{1}}已发货，通知编号{i}。",
        "template_type": "NOTIFY_TYPE",
        "universal_template": 1,
        "variable_attributes": [{"variable_index": 1, "variable_type": "CHARDIGIT"}],
        **dict.fromkeys(OUTPUTS),
    }


things: dict[str, Thing] = {}
if shaped:
    app = Thing("app", {"key": "app", "app_name": "floor", "scope": "cn", "region": "cn-north-4"})
    for i in range(count - 1):
        name = f"notice_{i:04d}"
        things[name] = Thing(name, {"key": name, **template_props(i, app)})
    keys = ("id", *OUTPUTS)
    exports: dict[str, Any] = {
        name: pulumi.Output.all(thing.id, *(getattr(thing, o) for o in OUTPUTS)).apply(
            lambda values: dict(zip(keys, values, strict=True))
        )
        for name, thing in things.items()
    }
    pulumi.export("apps", {"app": {"id": app.id}})
    pulumi.export("templates", exports)
else:
    for i in range(count):
        name = f"thing_{i:04d}"
        things[name] = Thing(name, {"key": name, "content": f"c{i}"})
    pulumi.export("things", {name: thing.id for name, thing in things.items()})
