"""Expected prices built from the shipped catalogue, so the tests follow data/catalogue.yml
when a user replaces it (never a price typed into a test)."""

from __future__ import annotations

from functools import lru_cache

from bot.catalogue.answers import format_money
from bot.catalogue.loader import ServiceSpec, read_catalogue
from bot.settings import get_settings


@lru_cache(maxsize=1)
def _specs() -> dict[str, ServiceSpec]:
    return {spec.slug: spec for spec in read_catalogue(get_settings().catalogue_yaml)}


def service(slug: str) -> ServiceSpec:
    return _specs()[slug]


def price(slug: str) -> str:
    """'EUR 2,900': the service's starting price as the assistant writes it."""
    spec = service(slug)
    return format_money(spec.price_amount, spec.currency)


SOC = "soc-as-a-service"
