"""The messages this app receives (docs/region.md): `@handles(kind)` functions."""
