"""Agreement between two raters over ordered levels (docs/metrics.md): Cohen's weighted
kappa with linear weights, for the assessments' reviewer agreement (three risk levels) and
case audit moderation (the four grades)."""

from collections.abc import Mapping, Sequence


def weighted_kappa(pairs: Mapping[tuple[str, str], int], levels: Sequence[str]) -> float | None:
    """Cohen's weighted kappa over `levels` in order, linear weights 1 - |i - j| / (k - 1)
    (k levels), from the count of each (first rater, second rater) pair, to 3 places; None
    when undefined (no pairs, or chance agreement is already perfect)."""
    total = sum(pairs.values())
    k = len(levels)
    if total == 0 or k < 2:
        return None
    index = {str(level): i for i, level in enumerate(levels)}
    rows = [0.0] * k
    cols = [0.0] * k
    observed = 0.0
    for (first, second), n in pairs.items():
        i, j = index[first], index[second]
        rows[i] += n / total
        cols[j] += n / total
        observed += (1 - abs(i - j) / (k - 1)) * n / total
    expected = sum((1 - abs(i - j) / (k - 1)) * rows[i] * cols[j] for i in range(k) for j in range(k))
    if expected >= 1:
        return None
    return round((observed - expected) / (1 - expected), 3)
