"""An attacker for the NKI suppression tests: how far can a hidden value be pinned down?

It knows what the method page says: a municipality's total is the respondent-weighted
sum of its counted areas, the region's figure per area the sum of the member
municipalities', the region's total the sum of the members' totals and of its counted
areas. It knows every published n and value, and that every value lies in 0..100.
With that it computes, by linear programming, the smallest and largest value each
hidden unit can have. Written without surveys.nki's own reasoning (no graph, no
cycles), so that it checks the rule rather than repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable

REGION, TOTAL = "region", "total"
Key = tuple[str, str]


def relations(keys: Iterable[Key], members: set[str], counted: set[str]) -> list[tuple[Key, list[Key]]]:
    """(sum, parts) for every sum the published figures are tied by; missing units are 0."""
    keys = set(keys)
    codes = {code for code, _slug in keys if code != REGION}
    slugs = {slug for _code, slug in keys if slug != TOTAL}
    out = []
    for code in codes:
        out.append(((code, TOTAL), [(code, slug) for slug in counted]))
    for slug in slugs:
        out.append(((REGION, slug), [(code, slug) for code in members]))
    out.append(((REGION, TOTAL), [(code, TOTAL) for code in members]))
    out.append(((REGION, TOTAL), [(REGION, slug) for slug in counted]))
    return out


def ranges(
    units: dict[Key, tuple[int, float]],
    hidden: set[Key],
    members: set[str],
    counted: set[str],
    slack: float = 0.0,
    targets: Iterable[Key] | None = None,
) -> dict[Key, tuple[float, float]]:
    """The smallest and largest value (0..100) of each hidden unit that the published figures allow.

    `units`: (code, slug) → (n, value). Published values are taken as exact, give or take
    `slack` points each (0.05 for values rounded to one decimal). `targets`: the hidden
    units to bound (all by default).
    """
    hidden = sorted(k for k in hidden if units.get(k, (0, 0))[0] > 0)
    index = {key: i for i, key in enumerate(hidden)}
    rows: list[tuple[list[float], float]] = []  # coefficients · x ≤ bound, x = n · value
    for total, parts in relations(units, members, counted):
        coefficients = [0.0] * len(hidden)
        known, loose = 0.0, 0.0
        for key, sign in [(total, -1.0)] + [(part, 1.0) for part in parts]:
            n, value = units.get(key, (0, 0.0))
            if n == 0:
                continue
            if key in index:
                coefficients[index[key]] += sign
            else:
                known += sign * n * value
                loose += n * slack
        if any(coefficients):
            # Σ hidden·sign + known = 0, within the rounding of the published parts
            rows.append((coefficients, -known + loose))
            rows.append(([-c for c in coefficients], known + loose))
    truth = [units[key][0] * units[key][1] for key in hidden]
    caps = [100.0 * units[key][0] for key in hidden]
    wanted = set(index) if targets is None else set(targets) & set(index)
    out = {}
    for key, i in index.items():
        if key not in wanted:
            continue
        n = units[key][0]
        high = _maximise(i, 1.0, rows, truth, caps)
        low = -_maximise(i, -1.0, rows, truth, caps)
        out[key] = (low / n, high / n)
    return out


def _maximise(target: int, direction: float, rows, truth, caps) -> float:
    """max direction · x[target] over {rows, 0 ≤ x ≤ caps} by the simplex method (Bland's rule).

    The true values are feasible, so the search starts there: x = truth + d⁺ − d⁻, and
    every right-hand side is then ≥ 0, so the slack basis is a feasible start. The
    optimum does not depend on the start.
    """
    k = len(truth)
    constraints: list[tuple[list[float], float]] = []
    for coefficients, bound in rows:
        rhs = bound - sum(c * t for c, t in zip(coefficients, truth, strict=True))
        constraints.append((coefficients + [-c for c in coefficients], max(rhs, 0.0)))
    for i in range(k):
        up = [0.0] * (2 * k)
        up[i], up[k + i] = 1.0, -1.0
        constraints.append((up, caps[i] - truth[i]))
        down = [0.0] * (2 * k)
        down[i], down[k + i] = -1.0, 1.0
        constraints.append((down, truth[i]))
    m, width = len(constraints), 2 * k + len(constraints)
    table = []
    for r, (coefficients, rhs) in enumerate(constraints):
        slack = [0.0] * m
        slack[r] = 1.0
        table.append(coefficients + slack + [rhs])
    objective = [0.0] * (width + 1)
    objective[target] = -direction  # reduced costs of maximising direction · (d⁺ − d⁻)
    objective[k + target] = direction
    basis = [2 * k + r for r in range(m)]
    eps = 1e-9
    for _ in range(10_000):
        entering = next((j for j in range(width) if objective[j] < -eps), None)
        if entering is None:
            break
        best, leaving = None, None
        for r in range(m):
            a = table[r][entering]
            if a > eps:
                ratio = table[r][-1] / a
                if (
                    best is None
                    or ratio < best - eps
                    or (abs(ratio - best) <= eps and basis[r] < basis[leaving])
                ):
                    best, leaving = ratio, r
        if leaving is None:
            raise AssertionError("unbounded: the boxes should prevent this")
        pivot = table[leaving][entering]
        table[leaving] = [v / pivot for v in table[leaving]]
        for r in range(m):
            if r != leaving and table[r][entering] != 0:
                factor = table[r][entering]
                table[r] = [v - factor * p for v, p in zip(table[r], table[leaving], strict=True)]
        factor = objective[entering]
        objective = [v - factor * p for v, p in zip(objective, table[leaving], strict=True)]
        basis[leaving] = entering
    else:
        raise AssertionError("the simplex did not finish")
    return direction * truth[target] + objective[-1]
