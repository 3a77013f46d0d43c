"""Project settings (``Pulumi.yaml``) and stack configuration, as the CLI reads them.

Stack config comes from ``<stackConfigDir>/Pulumi.<stack>.yaml`` (``config:``), keys without a
namespace get the project's, and values reach programs and providers as strings (structured
values as JSON text). Encrypted values (``secure:``) cannot be read without the CLI's secrets
provider: give them to the engine as ``secrets=`` instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.wire import secret

__all__ = ["ConfigError", "ProjectSettings", "StackConfig", "config_text"]


class ConfigError(ValueError):
    pass


def config_text(value: Any) -> str:
    """A config value as programs and providers receive it."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class ProjectSettings:
    name: str
    root: Path
    stack_config_dir: Path

    @classmethod
    def load(cls, project_dir: str | os.PathLike[str]) -> ProjectSettings:
        root = Path(project_dir).resolve()
        path = root / "Pulumi.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no Pulumi.yaml; pass the project's root folder") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ConfigError(f"{path}:1: name: the project needs a name")
        runtime = data.get("runtime")
        runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
        if runtime_name != "python":
            raise ConfigError(f"{path}: runtime: the offline engine runs python programs only")
        config_dir = root / data.get("stackConfigDir", ".")
        return cls(data["name"], root, config_dir)

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"


def _line_of(text: str, key: str) -> int:
    """Line of ``key`` under ``config:`` in a stack file, for error messages."""
    root = yaml.compose(text)
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if key_node.value == "config" and isinstance(value_node, yaml.MappingNode):
                for name_node, _ in value_node.value:
                    if name_node.value == key:
                        return int(name_node.start_mark.line) + 1
    return 1


@dataclass
class StackConfig:
    """``ns:key`` -> string value, and which keys are secret."""

    project: str
    values: dict[str, str] = field(default_factory=dict)
    secret_keys: set[str] = field(default_factory=set)

    def qualify(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"

    def set(self, key: str, value: Any, *, secret: bool = False) -> None:
        full = self.qualify(key)
        self.values[full] = config_text(value)
        if secret:
            self.secret_keys.add(full)
        else:
            self.secret_keys.discard(full)

    def remove(self, key: str) -> None:
        full = self.qualify(key)
        self.values.pop(full, None)
        self.secret_keys.discard(full)

    @classmethod
    def load(
        cls,
        project: ProjectSettings,
        stack: str,
        config: Mapping[str, Any] | None = None,
        secrets: Mapping[str, Any] | None = None,
    ) -> StackConfig:
        """The stack file's config, then ``config`` and ``secrets`` on top."""
        result = cls(project.name)
        path = project.stack_file(stack)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            try:
                data = yaml.safe_load(text) or {}
            except yaml.YAMLError as exc:
                raise ConfigError(f"{path}: not valid YAML: {exc}") from None
            entries = data.get("config") or {}
            if not isinstance(entries, dict):
                raise ConfigError(f"{path}:{_line_of(text, 'config')}: config: expected a mapping")
            for key, value in entries.items():
                overridden = key in (secrets or {}) or result.qualify(key) in (secrets or {})
                if isinstance(value, dict) and "secure" in value and not overridden:
                    raise ConfigError(
                        f"{path}:{_line_of(text, key)}: {key}: an encrypted value cannot be read "
                        "offline; pass its plain value with secrets={...}"
                    )
                if value is not None:
                    result.set(key, value)
        for key, value in (config or {}).items():
            result.set(key, value)
        for key, value in (secrets or {}).items():
            result.set(key, value, secret=True)
        return result

    # -- what the engine hands out --

    def program_env(self) -> dict[str, str]:
        """Environment through which the Python SDK reads config (``pulumi.Config``)."""
        return {
            "PULUMI_CONFIG": json.dumps(self.values),
            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(sorted(self.secret_keys)),
        }

    def provider_inputs(self) -> dict[str, Any]:
        """The default provider's inputs: the whole config, secrets wrapped."""
        return {
            key: secret(value) if key in self.secret_keys else value
            for key, value in sorted(self.values.items())
        }
