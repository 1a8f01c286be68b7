"""Knowledge base of the assistant: curated facts from the five source documents.

`knowledge.query.KnowledgeBase` is what actions use; `knowledge.loader` fills the database
from the YAML files of `knowledge/data/`, once `knowledge.validation` has checked them against
the models of `knowledge.schema`; `knowledge.search` ranks rows for a question;
`knowledge.names` resolves structure and place names; `knowledge.config` reads the settings.
The package imports neither `bot` nor `actions` (tests/knowledge/test_isolation.py).
"""
