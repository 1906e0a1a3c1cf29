"""The Lever part of the REST API (SPEC section 11): configs (never a secret), log, deliveries."""
