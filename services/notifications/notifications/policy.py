"""Who may see and do what with notifications, in one place.

A notification is its person's own: everyone signed in as a person (any role, any tenant,
platform administrators included) reads and marks read their own and nobody else's — another
person's notification is 404, as if it did not exist. The system actor has no inbox.
Notifications are made only by this service's event handlers.
"""

import uuid

from platform_shared.errors import Forbidden
from platform_shared.policy import require_signed_in


def reader(actor):
    """The user id whose notifications ``actor`` reads; Forbidden for an actor who is not a person."""
    require_signed_in(actor)
    if actor.system or not actor.user_id:
        raise Forbidden("Thông báo dành cho người dùng đã đăng nhập.", code="PERSON_REQUIRED")
    return uuid.UUID(actor.user_id)


def own(actor, model):
    """SQL filter: the actor's own notifications."""
    return model.user_id == reader(actor)
