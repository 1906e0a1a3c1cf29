"""The HR part of the REST API (SPEC section 11): people, employment details, companies,
processes and tasks."""
