"""The declarative base every table of the content service is registered on.

Each aggregate keeps its tables in its own ``models.py``; ``content.models`` lists them all
(the migrations compare against that list).
"""

from platform_shared.database import make_base

Base = make_base()
