"""The toy assignment's own sentences."""

MESSAGES = {
    "en": {"what.double": "double(x)", "hint.q1.check_value": "Return 2 * x."},
    "fr": {"what.double": "le double de x", "hint.q1.check_value": "Renvoyez 2 * x."},
}
