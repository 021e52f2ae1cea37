"""Similarity of a class's submissions: winnowed fingerprints of normalised tokens, per question."""
