"""Policy: could a person be re-identified from the combination of ordinary-looking columns?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from dataaudit.dataset import Dataset
from dataaudit.datasheet import declared_policy
from dataaudit.model import Area, Check, Outcome, Status, Table, count
from dataaudit.roles import tokens

__all__ = ["CHECKS", "ReidentificationRisk", "quasi_identifiers"]

#: column-name words of the usual quasi-identifiers (Sweeney: zip, birth date and sex single out 87% of the
#: US population); the first group are "strong": each narrows a person down to a few thousand
STRONG_QI_TOKENS = frozenset(
    ["zip", "zipcode", "postcode", "postal", "postalcode", "plz", "dob", "birth", "birthdate", "birthday"]
    + ["born", "yob"]
)
QI_TOKENS = STRONG_QI_TOKENS | frozenset(
    ["age", "sex", "gender", "race", "ethnicity", "ethnic", "occupation", "job", "profession", "marital"]
    + ["nationality", "religion", "education"]
)
#: a QI column with more distinct values than this share of rows is an identifier, not a quasi-identifier
_MAX_DISTINCT_SHARE = 0.5


def quasi_identifiers(data: Dataset, declared: tuple[str, ...] = ()) -> tuple[list[str], list[str], bool]:
    """``(qis, strong, were_declared)``: the declared quasi-identifiers, or those detected from column names
    (the target and id columns excluded, as are columns nearly unique on their own)."""
    if declared:
        cols = [c for c in declared if c in data.frame.columns]
        return cols, [c for c in cols if tokens(c) & STRONG_QI_TOKENS], True
    skip = {data.roles.target, data.roles.id}
    qis, strong = [], []
    for col in data.columns:
        t = tokens(col)
        if col in skip or not t & QI_TOKENS:
            continue
        st = data.stats[col]
        # a near-unique column is an identifier, not a quasi-identifier, unless it is a strong one (birth
        # dates are nearly unique in a few thousand rows and still a quasi-identifier)
        near_unique = st.distinct > _MAX_DISTINCT_SHARE * max(st.count, 1)
        if st.count == 0 or (near_unique and not t & STRONG_QI_TOKENS):
            continue
        qis.append(col)
        if t & STRONG_QI_TOKENS:
            strong.append(col)
    return qis, strong, False


def _combined(codes: np.ndarray) -> np.ndarray:
    """One dense group code per row for the combination of ``codes``' columns (rows × columns of codes ≥ 0):
    a mixed-radix key factorized once, folded a column at a time only where the key would overflow."""
    key = np.zeros(len(codes), dtype=np.int64)
    radix = 1
    for j in range(codes.shape[1]):
        col = codes[:, j].astype(np.int64)
        base = int(col.max(initial=0)) + 1
        if radix * base >= 2**62:  # compact before the key overflows
            key = pd.factorize(key)[0].astype(np.int64)
            radix = int(key.max(initial=0)) + 1
        key = key * base + col
        radix *= base
    return pd.factorize(key)[0].astype(np.int64)


def _group_sizes(codes: np.ndarray) -> np.ndarray:
    """For each row, the number of rows sharing its combination."""
    key = _combined(codes)
    return np.bincount(key)[key]


@dataclass(frozen=True)
class ReidentificationRisk(Check):
    """How many rows are unique on their quasi-identifiers: k-anonymity, uniqueness and l-diversity.

    Quasi-identifiers are columns that are not names or ids but together single a person out: age or birth
    date, zip or postcode, gender, ethnicity, occupation, marital status... They come from the datasheet
    (`policy: {quasi_identifiers: [...]}`) or are detected from column names. The check groups the rows by
    their combination and reports k (the size of the smallest group: the data is k-anonymous), the share of
    rows unique on their combination, the share in groups smaller than `k_min`, and, for the target (or the
    columns listed in `policy: {sensitive_attributes: [...]}`), l-diversity: the fewest distinct sensitive
    values within a group of at least two rows. The evidence says, for each quasi-identifier, how unique the
    rows would be without it: the column to generalise first.

    Why it matters: removing names does not anonymise data. A row unique on (zip, birth date, gender) is one
    person, and anyone holding a voter roll can name them. A datasheet that calls such data anonymised makes
    a promise the data does not keep.

    How to fix: generalise the quasi-identifiers (birth date → year or age band, zip → first 3 digits,
    rare occupations → groups) or suppress rare combinations until every group has at least `k_min` rows;
    or declare the data as personal (`contains_personal_data: true`) and handle it as such. The grade: when
    the datasheet says `anonymised: true`, unique rows above
    `warn_unique_share` warn and above `fail_unique_share` fail; without such a claim, the numbers are
    reported and a warning is raised only when a strong quasi-identifier (zip, birth date) is involved and
    at least `undeclared_warn_share` of rows are unique.
    """

    id: ClassVar[str] = "policy.reidentification_risk"
    title: ClassVar[str] = "Re-identification risk"
    area: ClassVar[Area] = Area.POLICY

    k_min: int = 5
    warn_unique_share: float = 0.01
    fail_unique_share: float = 0.05
    undeclared_warn_share: float = 0.2

    def run(self, data: Dataset) -> Outcome:
        policy = declared_policy(data.settings)
        declared_qis = policy.quasi_identifiers if policy else ()
        qis, strong, were_declared = quasi_identifiers(data, declared_qis)
        if len(qis) < 2:
            found = f" ({', '.join(qis)})" if qis else ""
            return Outcome.skip(
                f"fewer than 2 quasi-identifiers{found}: none of age, birth date, zip/postcode, gender, "
                "ethnicity, occupation, marital status... (declare them: policy: {quasi_identifiers: [...]})"
            )
        measured = self._measure(data, qis)
        claim = self._claim(policy)
        status = self._judge(measured["unique_share"], claim, bool(strong))
        return self._word(data, qis, strong, were_declared, measured, claim, status)

    # -- measure ------------------------------------------------------------------------------------------
    def _measure(self, data: Dataset, qis: list[str]) -> dict:
        frame = data.frame
        codes = np.column_stack([pd.factorize(frame[c], use_na_sentinel=False)[0] for c in qis])
        key = _combined(codes)
        sizes = np.bincount(key)[key]
        n = len(sizes)
        without = {
            qi: float((_group_sizes(np.delete(codes, i, axis=1)) == 1).mean()) if len(qis) > 1 else 0.0
            for i, qi in enumerate(qis)
        }
        l_div = {}
        sensitive = self._sensitive(data)
        for col in sensitive:
            s_codes = pd.factorize(frame[col], use_na_sentinel=False)[0]
            pairs = pd.DataFrame({"g": key, "s": s_codes, "n": sizes})
            shared = pairs[pairs["n"] >= 2]
            if shared.empty:
                continue
            distinct = shared.groupby("g")["s"].nunique()
            homogeneous_rows = int(shared["g"].isin(distinct.index[distinct == 1]).sum())
            l_div[col] = (int(distinct.min()), homogeneous_rows / n)
        return {
            "rows": n,
            "k": int(sizes.min()) if n else 0,
            "unique_share": float((sizes == 1).mean()) if n else 0.0,
            "small_share": float((sizes < self.k_min).mean()) if n else 0.0,
            "groups": int(key.max()) + 1 if n else 0,
            "without": without,
            "l_diversity": l_div,
        }

    def _sensitive(self, data: Dataset) -> list[str]:
        policy = declared_policy(data.settings)
        declared = policy.sensitive_attributes if policy else ()
        cols = [c for c in declared if c in data.frame.columns]
        target = data.roles.target
        if target is None:
            return cols
        # the target stands in for the sensitive value when it is a class (a diagnosis, a decision); the
        # l-diversity of a continuous value (a wage) says nothing
        is_class = target in data.frame.columns and data.stats[target].kind in ("categorical", "boolean")
        if not cols and is_class:
            cols = [target]
        return cols

    # -- judge --------------------------------------------------------------------------------------------
    @staticmethod
    def _claim(policy) -> str | None:
        if policy is None:
            return None
        # only an anonymisation claim is judged here: "contains_personal_data: false" is about direct
        # identifiers (names, e-mails...), which policy.pii_detected checks
        return "anonymised: true" if policy.anonymised is True else None

    def _judge(self, unique_share: float, claim: str | None, strong: bool) -> Status:
        if claim is not None:
            if unique_share > self.fail_unique_share:
                return Status.FAIL
            return Status.WARN if unique_share > self.warn_unique_share else Status.PASS
        if strong and unique_share >= self.undeclared_warn_share:
            return Status.WARN
        return Status.PASS

    # -- word ---------------------------------------------------------------------------------------------
    def _word(self, data, qis, strong, were_declared, m, claim, status) -> Outcome:
        how = "declared" if were_declared else "detected from column names"
        combo = f"({', '.join(qis)})"
        msg = (
            f"{m['unique_share']:.1%} of rows are unique on {combo}, {m['small_share']:.1%} in groups under "
            f"{self.k_min} rows; k = {m['k']} ({count(m['groups'], 'combination')} among "
            f"{count(m['rows'], 'row')}; quasi-identifiers {how})"
        )
        if m["l_diversity"]:
            col, (l_min, homogeneous) = next(iter(m["l_diversity"].items()))
            msg += f"; l-diversity of {col!r}: l = {l_min}, {homogeneous:.1%} of rows in one-valued groups"
        best = min(m["without"], key=m["without"].get)
        if m["unique_share"] > 0 and m["without"][best] < m["unique_share"]:
            msg += f"; without {best!r}, {m['without'][best]:.1%} would be unique"
        if claim and status != Status.PASS:
            msg = f"the datasheet says {claim}, but " + msg
        elif status == Status.WARN:
            msg += f" (strong quasi-identifier: {', '.join(strong)})"
        l_div = m["l_diversity"]
        table = Table.of(
            ("quasi-identifier", "strong", "unique share without it"),
            [(q, "yes" if q in strong else "no", round(m["without"][q], 4)) for q in qis],
            title=f"Rows unique on {combo}: {m['unique_share']:.1%}; without each column",
        )
        return Outcome.make(
            status,
            msg,
            observed={k: v for k, v in m.items() if k != "l_diversity"}
            | {"l_diversity": {c: {"l": lv, "homogeneous_share": h} for c, (lv, h) in l_div.items()}},
            expected=(
                f"unique rows at most {self.warn_unique_share:.0%} (datasheet claims {claim})"
                if claim
                else f"with a strong quasi-identifier, unique rows below {self.undeclared_warn_share:.0%}"
            ),
            columns=qis,
            evidence=table,
        )


CHECKS = (ReidentificationRisk,)
