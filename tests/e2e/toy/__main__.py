"""Declare one toy file per entry of the ``toy:files`` stack config.

Entry fields: ``path`` (default ``<key>.txt``), ``content``, ``format`` (text|upper),
``prefix_from`` (the path is prefixed with another entry's format), ``content_from`` (the
content ends with another entry's sha256), ``secret`` (the content is a secret),
``engine_diff`` (the engine diffs the inputs), and the options ``protect``,
``retain_on_delete``, ``ignore_changes``, ``replace_on_changes``, ``delete_before_replace``,
``depends_on``, ``aliases`` (earlier keys), ``deleted_with`` (a key) and
``custom_timeouts`` (create timeout). An entry may only refer to entries listed before it.
"""

import pulumi
from toyfiles import File

config = pulumi.Config()
catalog: dict = config.get_object("files") or {}
files: dict[str, File] = {}

for key, spec in catalog.items():
    path = spec.get("path", f"{key}.txt")
    if "prefix_from" in spec:
        path = pulumi.Output.concat(files[spec["prefix_from"]].format, "-", path)
    content = spec.get("content", "")
    if "content_from" in spec:
        content = pulumi.Output.concat(content, " after ", files[spec["content_from"]].sha256)
    if spec.get("secret"):
        content = pulumi.Output.secret(content)
    files[key] = File(
        key,
        path=path,
        content=content,
        format=spec.get("format"),
        engine_diff=spec.get("engine_diff"),
        opts=pulumi.ResourceOptions(
            protect=spec.get("protect"),
            retain_on_delete=spec.get("retain_on_delete"),
            ignore_changes=spec.get("ignore_changes"),
            replace_on_changes=spec.get("replace_on_changes"),
            delete_before_replace=spec.get("delete_before_replace"),
            depends_on=[files[dep] for dep in spec.get("depends_on", [])],
            aliases=[pulumi.Alias(name=old) for old in spec.get("aliases", [])],
            deleted_with=files[spec["deleted_with"]] if "deleted_with" in spec else None,
            custom_timeouts=(
                pulumi.CustomTimeouts(create=spec["custom_timeouts"])
                if "custom_timeouts" in spec
                else None
            ),
        ),
    )

pulumi.log.info(f"{len(files)} toy files declared")
pulumi.export("paths", {key: file.full_path for key, file in files.items()})
pulumi.export("hashes", {key: file.sha256 for key, file in files.items()})
pulumi.export("tokens", {key: file.token for key, file in files.items()})
pulumi.export("count", len(files))
