"""The web layer: every page a person opens (DESIGN §7a).

* ``portal/`` — the public portal at Vietnamese addresses (``/``, ``/tin-tuc``, ``/bai-viet/…``,
  ``/hoi-dap``, ``/trung-cau-y-kien``, ``/tim-kiem``, ``/dang-nhap`` …), one blueprint per area;
* ``workspace/`` — the staff workspace at ``/quan-tri/…``, one blueprint per kind of work;
* ``pages.py`` — addresses handed out before the portal (``/activate`` → ``/kich-hoat``);
* ``session.py`` (cookie sessions, CSRF, the actor), ``render.py`` (validators, 304),
  ``errors.py`` (Vietnamese error pages), ``format.py`` (Vietnamese dates and numbers).

A page handler does what an API endpoint does — builds the actor, calls the same RPCs (or
reads the event-invalidated cache), renders. No business rule and no query here.
"""
