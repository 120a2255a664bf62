"""A nameko timer whose interval is a setting, not a constant in the code."""

from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """``@every("MEDIA_SWEEP_INTERVAL_SECONDS", 3600)`` — the interval comes from config at start."""

    def __init__(self, config_key, default, **kwargs):
        self.config_key = config_key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.default))
        super().setup()


every = ConfiguredTimer.decorator
