"""The model matrix shared by the checks that train the fast baseline model: the learning curve
(``size.learning_curve``) and the label-error check (``consistency.label_errors``).

Both take the labelled rows (or a seeded sample of them), the target as class codes or floats, and the same
features: numbers as floats, categories as ordinal codes (NaN = missing), leaving out the target, ids,
timestamps, datetime and free-text columns, id-like columns and whatever the leak rule flags. The baseline
is scikit-learn's ``HistGradientBoosting{Classifier,Regressor}`` with the constants below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit.checks._shared import numeric_values, role
from dataaudit.dataset import Dataset
from dataaudit.model import Table
from dataaudit.roles import ID_TOKENS, tokens

__all__ = [
    "BASELINE_IMPORTS",
    "LEARNING_RATE",
    "MAX_CATEGORIES",
    "MAX_LEAF_NODES",
    "_codes",
    "_drop_rare_classes",
    "_excluded_table",
    "_features",
    "_id_like",
    "_labelled",
    "_min_leaf",
    "_target_values",
]

#: the modules :func:`baseline_model` imports (``Check.imports`` of the checks that fit it)
BASELINE_IMPORTS = ("sklearn.ensemble",)
#: the baseline bins a categorical feature into at most 255 codes: rarer categories are pooled as "other"
MAX_CATEGORIES = 250
#: the baseline: few, small trees with a large step, so that fifteen fits stay well under a second. A fit
#: of HistGradientBoosting on a few thousand rows costs mostly per iteration (about 2–3 ms each), not per
#: row: 20 iterations at 0.4 find the same signal as 50 at 0.2 (tests/test_learning_curve.py) for 40% of
#: the cost
LEARNING_RATE = 0.4
MAX_LEAF_NODES = 15


def _labelled(data: Dataset) -> np.ndarray:
    """Positions of the rows with a target value."""
    target = role(data, "target")
    if data.target_kind == "continuous":
        values = numeric_values(data, target).to_numpy(dtype="float64", na_value=np.nan)
        return np.flatnonzero(np.isfinite(values))
    return np.flatnonzero(data.frame[target].notna().to_numpy())


def _target_values(data: Dataset, pos: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The target at rows ``pos``: floats (continuous) or class codes as floats; the class labels."""
    target = role(data, "target")
    if data.target_kind == "continuous":
        return numeric_values(data, target).to_numpy(dtype="float64", na_value=np.nan)[pos], []
    text = data.frame[target].iloc[pos].astype("object").map(str)  # only the sampled rows
    codes, uniques = pd.factorize(text, sort=True)
    return codes.astype("float64"), [str(u) for u in uniques]


def _drop_rare_classes(y: np.ndarray, labels: list[str], minimum: int):
    """Leave out classes with fewer than ``minimum`` rows (stratified folds need some in each);
    returns codes renumbered 0..k-1, the dropped labels and the mask of kept rows."""
    counts = np.bincount(y.astype(int), minlength=len(labels))
    rare = counts < minimum
    keep = ~rare[y.astype(int)]
    remap = np.cumsum(~rare) - 1
    return (
        remap[y[keep].astype(int)].astype("float64"),
        [labels[i] for i in np.flatnonzero(rare & (counts > 0))],
        keep,
    )


def _features(
    data: Dataset, pos: np.ndarray, leaking: dict[str, str]
) -> tuple[np.ndarray, np.ndarray, list[str], list[tuple[str, str]]]:
    """The model matrix for rows ``pos``: numbers as floats, categories as ordinal codes (NaN = missing).
    ``leaking``: column → why the leak rule flags it. Returns (X, categorical mask, used columns, excluded
    (column, reason))."""
    cols, cats, used, excluded = [], [], [], []
    for col in data.features:
        st = data.stats[col]
        reason = None
        if col in leaking:
            reason = leaking[col]
        elif st.kind == "empty" or st.distinct <= 1:
            reason = "empty" if st.kind == "empty" else "constant"
        elif st.kind == "datetime":
            reason = "datetime"
        elif st.kind == "text":
            reason = f"free text or high-cardinality text ({st.distinct:,} distinct values)"
        elif st.kind == "numeric":
            num = numeric_values(data, col)
            if _id_like(col, st, num):
                reason = "id-like: unique per row"
            else:
                values = num.to_numpy(dtype="float64", na_value=np.nan)[pos]
                values[~np.isfinite(values)] = np.nan
                cols.append(values)
                cats.append(False)
        else:  # categorical, boolean
            cols.append(_codes(data, col, pos))
            cats.append(True)
        if reason:
            excluded.append((col, reason))
        else:  # every branch without a reason added the column to the matrix
            used.append(col)
    X = np.column_stack(cols) if cols else np.empty((len(pos), 0))
    return X, np.asarray(cats, dtype=bool), used, excluded


def _id_like(col: str, st, num: pd.Series) -> bool:
    """A numeric column that identifies rows rather than describing them: named like an id and nearly unique,
    or unique integers that count up in row order."""
    if tokens(col) & ID_TOKENS and st.distinct >= 0.95 * st.rows:
        return True
    if not st.unique:
        return False
    values = num.to_numpy(dtype="float64", na_value=np.nan)
    return bool(np.all(np.mod(values, 1) == 0) and num.is_monotonic_increasing)


def _codes(data: Dataset, col: str, pos: np.ndarray) -> np.ndarray:
    top = data.stats.value_counts(col).index[:MAX_CATEGORIES]
    categories = pd.unique(pd.Index(top.astype(str)))
    values = data.frame[col].iloc[pos].astype("object").map(str, na_action="ignore")
    codes = pd.Categorical(values, categories=categories).codes.astype("float64")
    missing = values.isna().to_numpy()
    codes[(codes < 0) & ~missing] = len(categories)  # pooled "other"
    codes[missing] = np.nan
    return codes


def _excluded_table(excluded: list[tuple[str, str]]) -> Table:
    return Table.of(("column", "left out because"), excluded, title="Columns left out of the model")


def _min_leaf(m: int, classify: bool) -> int:
    """The smallest leaf for a fit on ``m`` rows: scikit-learn's 20, but for classes at most 5% of the rows,
    so that a small fit can still split off a class of a few dozen rows. A regression keeps 20: there the
    large leaf guards against fitting the target's noise, and smaller ones made small fits overfit (carData
    Salaries: R² 0.16 instead of 0.36 at 132 rows), a rise that more data would only seem to cure."""
    if not classify:
        return 20
    return int(min(20, max(1, m // 20)))


def baseline_model(classify: bool, n_train: int, is_cat: np.ndarray, max_iter: int, seed: int):
    """The fast baseline both the learning curve and the label-error check fit: scikit-learn's histogram
    gradient boosting with native categories and missing values, few small trees and a large step."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    model_class = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    return model_class(
        max_iter=max_iter,
        learning_rate=LEARNING_RATE,
        max_leaf_nodes=MAX_LEAF_NODES,
        min_samples_leaf=_min_leaf(n_train, classify),
        categorical_features=is_cat if is_cat.any() else None,
        early_stopping=False,
        random_state=seed,
    )
