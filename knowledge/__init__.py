"""Knowledge base of the assistant: curated facts from the five source documents.

`knowledge.query.KnowledgeBase` is what actions use; `knowledge.loader` fills the database
from the YAML files of `knowledge/data/`; `knowledge.names` resolves structure and place names.
"""
