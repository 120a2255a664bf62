"""The royalties service's settings (from its nameko config)."""

from dataclasses import dataclass, field

# The desk tenant (by code) that pays for each central section of the portal.
DEFAULT_DESKS = {"news": "BLD", "thematic": "BTG", "directives": "VP-TLD"}
DESK_SETTINGS = (
    ("news", "CONTENT_NEWS_DESK"),
    ("thematic", "CONTENT_THEMATIC_DESK"),
    ("directives", "CONTENT_DIRECTIVES_DESK"),
)


@dataclass(frozen=True)
class Settings:
    desks: dict = field(default_factory=lambda: dict(DEFAULT_DESKS))

    @classmethod
    def from_config(cls, config):
        """The same ``CONTENT_*_DESK`` settings as the content service."""
        desks = dict(DEFAULT_DESKS)
        for section, setting in DESK_SETTINGS:
            if config.get(setting):
                desks[section] = config[setting]
        return cls(desks=desks)
