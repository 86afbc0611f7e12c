"""The registry of the portal's sections: how the apps take part without `brorebro` importing them.

Each app registers, in its AppConfig.ready(), a section: a title, a URL name and a
function returning live figures. The main navigation, the home page and `load_demo`
all list the sections from here, so an app added to INSTALLED_APPS that registers
one appears everywhere at once.
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

    @property
    def namespace(self) -> str:
        """The URL namespace of the section's pages, to mark the current section in the navigation."""
        return self.url_name.partition(":")[0]

    @property
    def demo_command(self) -> str:
        """The management command that loads the section's demo data (`load_demo` runs it when it exists)."""
        return f"demo_{self.key}"


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def all_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)
