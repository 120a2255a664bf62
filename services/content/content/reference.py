"""Reference data the content service keeps in its own database: the three central
sections (with the tenant code of their desk) and the weekly quota rules.

Ensured at every start (idempotent): sections follow the configured desk codes;
quota rules are inserted when missing and otherwise left as the operators set them.
"""

import uuid

from content.quotas import domain as quotas
from content.quotas.models import QuotaRule
from content.quotas.store import QuotaStore
from content.sections.models import Section
from content.sections.store import SectionStore

CENTRAL_SECTIONS = (
    # key, name, setting naming its desk, default desk code, menu order
    ("news", "Tin tức – Đa phương tiện", "CONTENT_NEWS_DESK", "BLD", 1),
    ("thematic", "Chuyên đề", "CONTENT_THEMATIC_DESK", "BTG", 2),
    ("directives", "Chỉ đạo – Điều hành", "CONTENT_DIRECTIVES_DESK", "VP-TLD", 3),
)


def ensure(sessions, config, now):
    with sessions.transaction() as session:
        sections, rules = SectionStore(session), QuotaStore(session)
        existing = {s.key: s for s in sections.central()}
        for key, name, setting, default_desk, order in CENTRAL_SECTIONS:
            desk = config.get(setting) or default_desk
            section = existing.get(key)
            if section is None:
                sections.add(
                    Section(
                        id=uuid.uuid5(uuid.NAMESPACE_URL, f"congdoan:section:{key}"),
                        tenant_id=None,
                        scope="central",
                        key=key,
                        name=name,
                        desk_code=desk,
                        menu_order=order,
                        status="active",
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif section.desk_code != desk:
                section.desk_code, section.updated_at = desk, now
        known = rules.rule_ids()
        for rule in quotas.DEFAULT_RULES:
            if rule.id not in known:
                rules.add_rule(
                    QuotaRule(
                        id=rule.id,
                        tenant_kinds=list(rule.tenant_kinds),
                        section=rule.section,
                        min_items=rule.min_items,
                        min_photos_per_item=rule.min_photos_per_item,
                        effective_from=rule.effective_from,
                        effective_to=rule.effective_to,
                        label=rule.label,
                    )
                )
