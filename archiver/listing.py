"""Compatibility name for :mod:`archiver.listings` (the listing families package)."""
from archiver.listings import Listing, ListingHints, PageRequest, parse_listing

__all__ = ["Listing", "ListingHints", "PageRequest", "parse_listing"]
