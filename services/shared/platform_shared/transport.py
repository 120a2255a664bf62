"""Makes the shared errors cross nameko RPC as themselves.

Importing this module registers every class of ``platform_shared.errors`` with
``nameko.exceptions.deserialize_to_instance``, so a ``NotFound`` raised in a
service is a ``NotFound`` at the caller, with its code, message and details.
"""

from nameko.exceptions import deserialize_to_instance

from platform_shared.errors import ALL_ERRORS

for _cls in ALL_ERRORS:
    deserialize_to_instance(_cls)

EXPECTED = ALL_ERRORS
