"""nameko dependency of the accounts service: the use cases, wired once per container."""

from nameko.extensions import DependencyProvider

from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer
from platform_shared.config import require
from platform_shared.dependencies import in_thread, sessions_of


class AccountsApp(DependencyProvider):
    """Builds the signer and the password hasher at start — a missing key stops the service."""

    def __init__(self, clock=None):
        self.clock = clock
        self.signer = self.passwords = self.settings = None

    def setup(self):
        config = self.container.config
        self.settings = Settings.from_config(config)
        self.signer = Signer(
            require(config, "TOKEN_KEYS_DIR", "TOKEN_KEYS_DIR"),
            issuer=require(config, "TOKEN_ISSUER", "TOKEN_ISSUER"),
            audience=require(config, "TOKEN_AUDIENCE", "TOKEN_AUDIENCE"),
            access_ttl=self.settings.access_ttl,
        )
        self.passwords = Passwords(
            memory_kib=config.get("ARGON2_MEMORY_KIB", 65536),
            time_cost=config.get("ARGON2_TIME_COST", 3),
            parallelism=config.get("ARGON2_PARALLELISM", 4),
        )
        if self.clock is None:
            from platform_shared.clock import Clock

            self.clock = Clock()

    def get_dependency(self, worker_ctx):
        return Accounts(
            sessions_of(self.container),
            signer=self.signer,
            passwords=self.passwords,
            settings=self.settings,
            clock=self.clock,
            offload=in_thread,
        )
