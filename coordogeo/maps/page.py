"""What the pages of a set share: their language, title, source line, base and budget.

Every map verb (``access_map``, ``index_map`` …) takes one :class:`Page`
instead of the same five options each. The shapes the pages draw are kept in
it: pages drawn from one page (or from its :meth:`Page.titled` copies) reproject
a national grid once, and let it go with the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd

from coordogeo._columns import Lang
from coordogeo.errors import InputError, check_whole
from coordogeo.maps._style import MAX_SHAPES, Drawn, check_lang, label

__all__ = ["Page"]


@dataclass(frozen=True, eq=False)
class Page:
    """The framing of a page: language, title, source line, commune base, budget.

    Parameters
    ----------
    lang
        ``"fr"`` (default) or ``"en"`` for every label of the page.
    title
        The page's title; None gives the map's usual title (« Temps d'accès … »).
    source
        The source line: the data and their dates. The page also says
        « traitement coordogeo » and the date.
    communes
        Commune polygons (any CRS) drawn as the offline base: outlines, the
        territory's limit and the commune names.
    max_shapes
        Beyond this many places, a map draws its places as one image (each pixel
        the class colour of the place under it, no tooltips; a note says so);
        None draws every place as a shape with its tooltip.

    Examples
    --------
    >>> page = Page(lang="en", source="INSEE 2021")
    >>> page.titled("Lot").title, page.titled("Lot").source
    ('Lot', 'INSEE 2021')
    >>> page.titled("Lot").drawn is page.drawn  # the pages share what they draw
    True
    >>> Page(lang="de")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `lang` was 'de' but is expected to be one of ...
    """

    lang: Lang = "fr"
    title: str | None = None
    source: str | None = None
    communes: gpd.GeoDataFrame | None = None
    max_shapes: int | None = MAX_SHAPES
    #: The shapes and pixels drawn on this page and its copies.
    drawn: Drawn = field(default_factory=Drawn, repr=False)

    def __post_init__(self) -> None:
        """Refuse a language or a shape budget the maps cannot draw."""
        check_lang(self.lang)
        if self.max_shapes is not None:
            check_whole(self.max_shapes, name="max_shapes", least=0)

    def titled(self, title: str | None) -> Page:
        """Return the same page under another title; it shares what this one draws."""
        return replace(self, title=title)

    def title_or(self, key: str) -> str:
        """Return the page's title, else the label ``key`` in its language."""
        return self.title or label(key, self.lang)


def page_or_default(page: Page | None) -> Page:
    """``page``, or a French page with the maps' usual titles."""
    if page is not None and not isinstance(page, Page):
        raise InputError(
            f"`page` must be a coordogeo.maps.Page, got {type(page).__name__}."
        )
    return page if page is not None else Page()
