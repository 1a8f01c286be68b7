"""Pieces shared by the answering actions: labels, region notes, the honest "not found"."""

from __future__ import annotations

from rasa_sdk.types import DomainDict

from actions.directory import regional_contacts
from actions.texts import response_text
from knowledge.names import REGION_NAMES
from knowledge.query import KnowledgeBase
from knowledge.types import Structure


def structure_label(structure: Structure) -> str:
    return f"{structure.name} ({structure.acronym})"


def topic_label(domain: DomainDict, topic: str) -> str:
    return response_text(domain, f"utter_topic_label_{topic}")


def region_notes(
    domain: DomainDict, kb: KnowledgeBase, region: str | None, row_regions: set[str]
) -> tuple[str, str]:
    """(prefix, suffix) that tell where the facts apply when that matters.

    With a known region absent from the facts, say so before the answer: either no document
    speaks for that region, or its documents do not cover this point. With no region and facts
    that differ by region, invite the user to give one.
    """
    prefix = suffix = ""
    if region and region not in row_regions and region != "national":
        documented = any(item.id == region and item.has_documents for item in kb.regions())
        prefix = response_text(
            domain,
            "utter_region_not_covered" if documented else "utter_region_without_documents",
            region_name=REGION_NAMES.get(region, region),
        )
    if region is None and row_regions - {"national"}:
        suffix = response_text(domain, "utter_other_regions_note")
    return prefix, suffix


def contact_hint(domain: DomainDict, kb: KnowledgeBase, region: str | None, structure_id: str | None) -> str:
    """Who to ask instead: the region's best contact, else the ARS or URPS."""
    contacts = regional_contacts(kb, region, structure_id)
    if contacts:
        contact = contacts[0]
        details = ", ".join(part for part in (contact.name, contact.phone, contact.email) if part)
        return response_text(domain, "utter_contact_hint_region", contact=details)
    return response_text(domain, "utter_contact_hint_generic")


def nothing_found(
    domain: DomainDict, kb: KnowledgeBase, subject: str, region: str | None, structure_id: str | None
) -> str:
    """The honest "not in my sources" answer, with the best contact to ask instead."""
    hint = contact_hint(domain, kb, region, structure_id)
    return response_text(domain, "utter_nothing_in_kb", subject=subject, contact_hint=hint)
