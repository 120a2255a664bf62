"""Service configuration: ``config.yml`` with ``${VAR}`` / ``${VAR:default}`` from the environment.

nameko turns an unset ``${VAR}`` into an empty string and starts anyway; ``require``
is how a service refuses to start without a setting, naming the variable to set.
"""

import os
import re

import yaml

from platform_shared.errors import ConfigurationError

_ENV = re.compile(r"\$\{([^}:\s]+)(?::([^}]*))?\}")


def _expand(value):
    def repl(match):
        name, default = match.group(1), match.group(2)
        return os.environ.get(name, default if default is not None else "")

    return _ENV.sub(repl, value)


class _Loader(yaml.SafeLoader):
    pass


def _env_constructor(loader, node):
    raw = loader.construct_scalar(node)
    expanded = _expand(raw)
    return yaml.safe_load(expanded) if expanded != raw else raw


_Loader.add_implicit_resolver("!env", re.compile(r".*\$\{[^}]*\}.*"), None)
_Loader.add_constructor("!env", _env_constructor)


def load_config(path):
    """Read a service's config.yml the way ``nameko run --config`` does."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader) or {}


def require(config, key, env=None):
    """The value of ``key``; raises ``ConfigurationError`` naming ``env`` when it is empty."""
    value = config.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        hint = f" (set the environment variable {env})" if env else ""
        raise ConfigurationError(f"required setting {key} is missing{hint}")
    return value
