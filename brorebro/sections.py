"""A registry through which the apps contribute to the home page.

`brorebro` never imports the apps. Instead each app registers, in its AppConfig.ready(),
a section: a title, a URL name, and a function returning live figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    key: str
    order: int
    title: str
    lead: str
    url_name: str
    figures: Callable[[], list[tuple[str, str]]] = field(default=lambda: [])


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def all_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)
