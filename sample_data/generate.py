#!/usr/bin/env python3
"""Deterministic generator for the dataaudit sample loan data.

Writes two files next to this script:

* ``loans.csv``        -- 10,000 synthetic loan applications plus ~150 planted
                          exact duplicates, with a set of planted data problems
                          (see README.md in this folder).
* ``loans_clean.csv``  -- 10,000 applications without those problems and
                          without the leaking ``approval_letter_sent`` column.

Everything is derived from fixed seeds via ``numpy.random.default_rng``; no wall
clock, no network, only numpy + pandas + stdlib.  Running the script twice
produces byte-identical files.

    python sample_data/generate.py

All people, e-mail addresses (example.com / example.org) and phone numbers
(reserved fictional / drama ranges) are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

PROBLEM_SEED = 20250101
CLEAN_SEED = 20250701

N_ROWS = 10_000
N_DUPLICATES = 150

# Reference "as of" date used in the README; the problem file is ~3 months stale.
AS_OF = "2026-06-30"

ETHNICITIES = ["White", "Black", "Asian", "Hispanic", "Indigenous"]
GENDERS = ["Female", "Male", "Non-binary"]
MARITAL = ["Single", "Married", "Divorced", "Widowed"]
EMPLOYMENT = ["Employed", "Self-employed", "Unemployed", "Retired", "Student"]
REGIONS = ["North", "South", "East", "West", "Central"]
PURPOSES = ["car", "home_improvement", "debt_consolidation", "education", "medical", "business", "other"]

COLUMNS = [
    "application_id",
    "applied_at",
    "ingested_at",
    "age",
    "gender",
    "ethnicity",
    "marital_status",
    "income",
    "loan_amount",
    "term_months",
    "employment_type",
    "credit_score",
    "region",
    "loan_purpose",
    "notes",
    "approval_letter_sent",
    "approved",
]

# --------------------------------------------------------------------------- #
# Per-variant settings
# --------------------------------------------------------------------------- #
PROBLEM = dict(
    name="problem",
    seed=PROBLEM_SEED,
    start="2025-01-01",
    end="2026-03-31",
    ethnicity_p=[0.550, 0.140, 0.120, 0.178, 0.012],
    gender_p=[0.495, 0.495, 0.010],
    # historic bias planted against the small group (logit offset)
    ethnicity_logit=[0.0, -0.10, 0.05, -0.05, -2.6],
    age_mode="realistic",
)

CLEAN = dict(
    name="clean",
    seed=CLEAN_SEED,
    start="2025-07-01",
    end="2026-06-29",
    ethnicity_p=[0.40, 0.18, 0.14, 0.18, 0.10],
    gender_p=[0.46, 0.46, 0.08],
    ethnicity_logit=[0.0, 0.0, 0.0, 0.0, 0.0],
    age_mode="flat",
)

# --------------------------------------------------------------------------- #
# Free-text notes
# --------------------------------------------------------------------------- #
GENERIC_NOTES = [
    "Applicant requested callback in the afternoon",
    "Applicant requested callback in the morning",
    "Payslips verified",
    "Bank statements for the last three months provided",
    "Existing customer with a good repayment history",
    "Employer confirmation pending",
    "Documents uploaded via the online portal",
    "Applicant asked about early repayment fees",
    "Applicant asked whether the term can be shortened later",
    "Proof of address outstanding",
    "Proof of address received",
    "Referred by branch staff",
    "Second application after an earlier withdrawal",
    "Applicant prefers contact by e-mail",
    "Applicant prefers contact by phone",
    "ID check completed in branch",
    "Requested amount reduced after affordability discussion",
    "Co-applicant considered but not added",
    "Applicant is relocating within the region",
    "Income includes regular overtime",
    "Customer called to check application status",
    "Application completed with help from branch staff",
]

PURPOSE_NOTES = {
    "car": [
        "Dealer quote for the vehicle attached",
        "Used car, purchase from private seller",
        "Trade-in value not yet confirmed",
    ],
    "home_improvement": [
        "Contractor quote for kitchen renovation attached",
        "Roof repair quote attached",
        "Energy efficiency upgrade (heat pump)",
    ],
    "debt_consolidation": [
        "Consolidating three credit cards",
        "Consolidating an overdraft and a store card",
        "Settlement figures from current lenders requested",
    ],
    "education": ["Course acceptance letter attached", "Part-time professional certification course"],
    "medical": ["Invoice for dental treatment attached", "Estimate for private surgery attached"],
    "business": [
        "Business plan reviewed",
        "Two years of accounts provided",
        "Start-up, trading history under one year",
    ],
    "other": ["Wedding expenses", "Moving costs", "Funding a family event"],
}

EMPLOYMENT_NOTES = {
    "Self-employed": ["Self-employed, tax returns for two years provided"],
    "Retired": ["Pension statement provided"],
    "Student": ["Student, part-time job income only"],
    "Unemployed": ["Currently between jobs, benefits statement provided"],
    "Employed": ["Employment contract provided"],
}

PII_FIRST = [
    "alex",
    "sam",
    "jordan",
    "taylor",
    "morgan",
    "casey",
    "jamie",
    "robin",
    "chris",
    "pat",
    "lee",
    "drew",
    "kim",
    "avery",
    "quinn",
    "riley",
    "charlie",
    "dana",
    "erin",
    "frankie",
]
PII_LAST = [
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "patel",
    "garcia",
    "nguyen",
    "martin",
    "clarke",
    "walker",
    "wright",
    "thompson",
    "white",
    "hughes",
    "edwards",
    "green",
]

PII_TEMPLATES = [
    "Applicant requested callback in the afternoon on {phone}",
    "Prefers contact by e-mail: {email}",
    "Contact details updated: {email}, {phone}",
    "Left voicemail, call back on {phone}",
    "Employer HR contact {email} for income verification",
    "Spouse can be reached at {phone}",
    "Send signed documents to {email}",
    "Mobile changed to {phone}, e-mail {email}",
]

# Spellings planted in ~4% of rows of the problem file.
EMPLOYED_VARIANTS = ["employed", "EMPLOYED"]
SELF_EMPLOYED_VARIANTS = ["self employed", "SELF-EMPLOYED", "Self Employed "]


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #
def exact_categories(rng: np.random.Generator, labels, p, n) -> np.ndarray:
    """Return n labels with (rounded) exact counts given by p, shuffled."""
    p = np.asarray(p, dtype=float)
    counts = np.floor(p / p.sum() * n).astype(int)
    # distribute the rounding remainder to the largest fractional parts
    remainder = n - counts.sum()
    frac = p / p.sum() * n - counts
    for i in np.argsort(-frac, kind="stable")[:remainder]:
        counts[i] += 1
    out = np.repeat(np.asarray(labels, dtype=object), counts)
    return rng.permutation(out)


def truncated(rng: np.random.Generator, draw, lo: float, hi: float, n: int) -> np.ndarray:
    """n draws from ``draw(k)`` restricted to [lo, hi) by redrawing (no pile-up at the bounds)."""
    out = draw(n)
    bad = (out < lo) | (out >= hi)
    while bad.any():
        out[bad] = draw(int(bad.sum()))
        bad = (out < lo) | (out >= hi)
    return out


def sample_times(rng: np.random.Generator, start: str, end: str, n: int) -> np.ndarray:
    """Event times with a weekday and seasonal pattern; returns datetime64[s]."""
    days = pd.date_range(start, end, freq="D")
    dow = days.dayofweek.to_numpy()
    doy = days.dayofyear.to_numpy()
    weekday_w = np.array([1.15, 1.10, 1.05, 1.05, 1.00, 0.55, 0.40])[dow]
    # spring peak, late-autumn trough
    season_w = 1.0 + 0.25 * np.sin(2 * np.pi * (doy - 60) / 365.25)
    # holiday dip around Christmas / New Year
    md = days.month.to_numpy() * 100 + days.day.to_numpy()
    holiday_w = np.where((md >= 1222) | (md <= 102), 0.5, 1.0)
    w = weekday_w * season_w * holiday_w
    day_idx = rng.choice(len(days), size=n, p=w / w.sum())
    # time of day: business hours heavy, evening tail, nothing after 22:59
    evening = rng.random(n) < 0.15
    hour_f = np.where(
        evening,
        truncated(rng, lambda k: rng.normal(20.0, 1.2, size=k), 7.0, 23.0, n),
        truncated(rng, lambda k: rng.normal(13.0, 3.2, size=k), 7.0, 23.0, n),
    )
    secs = (hour_f * 3600).astype(np.int64)
    base = days.to_numpy().astype("datetime64[s]")[day_idx]
    return base + secs.astype("timedelta64[s]")


def fmt_ts(values: np.ndarray) -> np.ndarray:
    return pd.DatetimeIndex(values).strftime("%Y-%m-%d %H:%M:%S").to_numpy()


def fmt_money(values: np.ndarray) -> np.ndarray:
    return np.array([f"{v:.2f}" for v in values], dtype=object)


AGE_BANDS = [25, 35, 45, 55, 65, 75]


def equalise_by_band(logit: np.ndarray, band: np.ndarray) -> np.ndarray:
    """Shift logits per band so each band's mean probability equals the overall one."""
    target = np.mean(1 / (1 + np.exp(-logit)))
    out = logit.copy()
    for b in np.unique(band):
        m = band == b
        lo, hi = -5.0, 5.0
        for _ in range(60):  # bisection on the shift
            mid = (lo + hi) / 2
            if np.mean(1 / (1 + np.exp(-(logit[m] + mid)))) < target:
                lo = mid
            else:
                hi = mid
        out[m] = logit[m] + (lo + hi) / 2
    return out


def systematic_sample(rng: np.random.Generator, prob: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """0/1 draws with P(1) = prob per row and per-cell totals within 1 of the expected count."""
    out = np.zeros(len(prob), dtype=int)
    for c in np.unique(cell):
        idx = rng.permutation(np.flatnonzero(cell == c))
        cum = np.floor(np.cumsum(prob[idx]) + rng.random())
        out[idx] = np.diff(np.concatenate([[0.0], cum])).astype(int)
    return out


def make_phone(rng: np.random.Generator) -> str:
    kind = int(rng.integers(5))
    if kind == 0:  # Ofcom drama range 020 7946 0000-0999
        return f"+44 20 7946 0{int(rng.integers(1000)):03d}"
    if kind == 1:  # Ofcom drama mobile range 07700 900000-900999
        return f"+44 7700 900{int(rng.integers(1000)):03d}"
    if kind == 2:
        return f"(555) 01{int(rng.integers(10))}-{int(rng.integers(10000)):04d}"
    if kind == 3:  # classic fictional 555-0100..0199
        return f"555-01{int(rng.integers(100)):02d}"
    return f"(212) 555-01{int(rng.integers(100)):02d}"


def make_email(rng: np.random.Generator) -> str:
    first = PII_FIRST[int(rng.integers(len(PII_FIRST)))]
    last = PII_LAST[int(rng.integers(len(PII_LAST)))]
    domain = "example.com" if rng.random() < 0.7 else "example.org"
    kind = int(rng.integers(3))
    if kind == 0:
        local = f"{first}.{last}{int(rng.integers(1, 100))}"
    elif kind == 1:
        local = f"{first[0]}{last}"
    else:
        local = f"{first}_{last}{int(rng.integers(60, 100))}"
    return f"{local}@{domain}"


def make_notes(rng, purpose, employment, n_pii) -> np.ndarray:
    n = len(purpose)
    notes = np.full(n, "", dtype=object)
    has_note = rng.random(n) < 0.42
    for i in np.flatnonzero(has_note):
        r = rng.random()
        if r < 0.45:
            pool = GENERIC_NOTES
        elif r < 0.80:
            pool = PURPOSE_NOTES[purpose[i]]
        else:
            pool = EMPLOYMENT_NOTES[employment[i]]
        text = pool[int(rng.integers(len(pool)))]
        if rng.random() < 0.20:
            extra = GENERIC_NOTES[int(rng.integers(len(GENERIC_NOTES)))]
            if extra != text:
                text = f"{text}; {extra.lower()[0]}{extra[1:]}"
        notes[i] = text
    if n_pii:
        for i in rng.choice(n, size=n_pii, replace=False):
            tpl = PII_TEMPLATES[int(rng.integers(len(PII_TEMPLATES)))]
            pii = tpl.format(phone=make_phone(rng), email=make_email(rng))
            notes[i] = f"{notes[i]}. {pii}" if notes[i] and rng.random() < 0.3 else pii
    return notes


# --------------------------------------------------------------------------- #
# Core generator
# --------------------------------------------------------------------------- #
def generate(cfg: dict) -> pd.DataFrame:
    rng = np.random.default_rng(cfg["seed"])
    n = N_ROWS
    problem = cfg["name"] == "problem"

    # --- timing ----------------------------------------------------------------
    applied = np.sort(sample_times(rng, cfg["start"], cfg["end"], n))
    if problem:
        # minutes to a few hours, log-normal
        lag_s = truncated(rng, lambda k: np.exp(rng.normal(np.log(35 * 60), 1.1, size=k)), 60, 8 * 3600, n)
        late = rng.choice(n, size=12, replace=False)  # batch re-ingest
        lag_s[late] = rng.uniform(3 * 86400, 9 * 86400, size=late.size)
    else:
        lag_s = truncated(rng, lambda k: np.exp(rng.normal(np.log(12 * 60), 0.6, size=k)), 60, 3600, n)
    ingested = applied + lag_s.astype(np.int64).astype("timedelta64[s]")

    # --- demographics ------------------------------------------------------------
    gender = exact_categories(rng, GENDERS, cfg["gender_p"], n)
    ethnicity = exact_categories(rng, ETHNICITIES, cfg["ethnicity_p"], n)
    eth_idx = np.array([ETHNICITIES.index(e) for e in ethnicity])
    region = rng.choice(REGIONS, size=n, p=[0.22, 0.24, 0.18, 0.20, 0.16])

    if cfg["age_mode"] == "realistic":
        age = np.clip(np.floor(rng.gamma(2.6, 9.0, size=n) + 18), 18, 85).astype(int)
    else:
        age = rng.integers(18, 86, size=n)

    # marital status depends on age
    marital = np.empty(n, dtype=object)
    for i, a in enumerate(age):
        if a < 25:
            p = [0.88, 0.11, 0.01, 0.00]
        elif a < 40:
            p = [0.45, 0.47, 0.075, 0.005]
        elif a < 60:
            p = [0.20, 0.60, 0.17, 0.03]
        else:
            p = [0.12, 0.55, 0.15, 0.18]
        marital[i] = MARITAL[int(rng.choice(4, p=p))]

    # employment depends on age
    employment = np.empty(n, dtype=object)
    for i, a in enumerate(age):
        if a < 23:
            p = [0.45, 0.03, 0.08, 0.00, 0.44]
        elif a < 30:
            p = [0.76, 0.08, 0.07, 0.00, 0.09]
        elif a < 50:
            p = [0.79, 0.15, 0.06, 0.00, 0.00]
        elif a < 60:
            p = [0.77, 0.15, 0.05, 0.03, 0.00]
        elif a < 67:
            p = [0.50, 0.14, 0.04, 0.32, 0.00]
        else:
            p = [0.10, 0.06, 0.01, 0.83, 0.00]
        employment[i] = EMPLOYMENT[int(rng.choice(5, p=p))]

    # --- income ---------------------------------------------------------------
    emp_base = {
        "Employed": 10.85,
        "Self-employed": 10.90,
        "Unemployed": 9.55,
        "Retired": 10.25,
        "Student": 9.65,
    }
    emp_sd = {"Employed": 0.38, "Self-employed": 0.60, "Unemployed": 0.35, "Retired": 0.35, "Student": 0.35}
    region_eff = {"North": -0.04, "South": 0.02, "East": 0.00, "West": 0.06, "Central": -0.02}
    log_inc = np.array([emp_base[e] for e in employment])
    log_inc += np.array([region_eff[r] for r in region])
    working = np.isin(employment, ["Employed", "Self-employed"])
    if cfg["age_mode"] == "realistic":
        # earnings curve peaking in the early 50s
        log_inc += np.where(working, 0.30 - 0.00045 * (age - 52) ** 2, 0.0)
    log_inc += rng.normal(0, 1, size=n) * np.array([emp_sd[e] for e in employment])
    income = np.round(np.exp(log_inc) / 10) * 10 + np.round(rng.uniform(0, 1, n) * 4) * 2.5
    income = np.clip(income, 3000, 450_000)

    # --- loan purpose / amount / term -----------------------------------------
    purpose = np.empty(n, dtype=object)
    for i in range(n):
        p = np.array([0.22, 0.17, 0.28, 0.06, 0.07, 0.08, 0.12])
        if employment[i] == "Student":
            p = np.array([0.18, 0.00, 0.12, 0.45, 0.05, 0.02, 0.18])
        elif employment[i] == "Self-employed":
            p = np.array([0.18, 0.15, 0.22, 0.03, 0.05, 0.27, 0.10])
        elif employment[i] == "Retired":
            p = np.array([0.20, 0.35, 0.17, 0.00, 0.15, 0.01, 0.12])
        purpose[i] = PURPOSES[int(rng.choice(7, p=p / p.sum()))]
    ratio_mu = {
        "car": 0.30,
        "home_improvement": 0.38,
        "debt_consolidation": 0.28,
        "education": 0.45,
        "medical": 0.15,
        "business": 0.50,
        "other": 0.12,
    }
    ratio = np.array([ratio_mu[p] for p in purpose]) * np.exp(rng.normal(0, 0.45, size=n))
    loan_amount = np.clip(np.round(income * ratio / 100) * 100, 1000, 150_000).astype(float)

    term = np.empty(n, dtype=int)
    for i in range(n):
        amt = loan_amount[i]
        if amt < 5000:
            p = [0.25, 0.35, 0.35, 0.03, 0.02]
        elif amt < 20000:
            p = [0.03, 0.10, 0.52, 0.10, 0.25]
        else:
            p = [0.00, 0.02, 0.30, 0.10, 0.58]
        term[i] = [12, 24, 36, 48, 60][int(rng.choice(5, p=p))]

    # --- credit score ---------------------------------------------------------
    z_inc = (np.log(income) - 10.7) / 0.5
    cs = 665 + 28 * z_inc + rng.normal(0, 62, size=n)
    if cfg["age_mode"] == "realistic":
        cs += 1.1 * (np.minimum(age, 70) - 40)
    cs += np.where(employment == "Unemployed", -45, 0)
    credit_score = np.clip(np.round(cs), 300, 850).astype(int)

    # --- target -----------------------------------------------------------------
    dti = loan_amount / income
    monthly_burden = loan_amount / term / (income / 12)
    emp_logit = {
        "Employed": 0.25,
        "Self-employed": 0.0,
        "Unemployed": -1.1,
        "Retired": 0.05,
        "Student": -0.35,
    }
    logit = (
        0.55
        + 0.020 * (credit_score - 665)
        - 2.2 * (dti - 0.30)
        - 4.0 * (monthly_burden - 0.08)
        + np.array([emp_logit[e] for e in employment])
        + np.array(cfg["ethnicity_logit"])[eth_idx]
        + rng.normal(0, 0.6, size=n)
    )
    if not problem:
        # Clean reference: shift the intercept per age band so that every band
        # has the same expected approval rate (no age disparity via employment mix).
        logit = equalise_by_band(logit, np.digitize(age, AGE_BANDS))
    prob = 1 / (1 + np.exp(-logit))
    if problem:
        approved = (rng.random(n) < prob).astype(int)
    else:
        # Systematic sampling within each ethnicity x gender x age-band cell: every row keeps
        # its probability, but a cell's approval count is its expected count +-1, so the
        # clean reference has no chance disparities between sensitive groups.
        cell = (eth_idx * 10 + np.array([GENDERS.index(g) for g in gender])) * 10 + np.digitize(
            age, AGE_BANDS
        )
        approved = systematic_sample(rng, prob, cell)

    notes = make_notes(rng, purpose, employment, n_pii=200 if problem else 0)

    # leaking feature: written after the decision, agrees with the target ~99.5%
    letter = np.where(approved == 1, "yes", "no").astype(object)
    flip = rng.choice(n, size=int(round(n * 0.005)), replace=False)
    letter[flip] = np.where(approved[flip] == 1, "no", "yes")

    # --- planted problems on observed values ------------------------------------
    income_str = fmt_money(income)
    employment_obs = employment.copy()
    credit_obs = pd.array(credit_score, dtype="Int64")
    if problem:
        # ~6% missing income (more often for self-employed), ~1% sentinel -999
        w = np.where(employment == "Self-employed", 2.5, 1.0)
        miss = rng.choice(n, size=600, replace=False, p=w / w.sum())
        rest = np.setdiff1d(np.arange(n), miss)
        sentinel = rng.choice(rest, size=100, replace=False)
        income_str[miss] = ""
        income_str[sentinel] = "-999"
        credit_obs[rng.choice(n, size=300, replace=False)] = pd.NA
        # inconsistent spellings in ~4% of rows
        emp_rows = np.flatnonzero(employment == "Employed")
        self_rows = np.flatnonzero(employment == "Self-employed")
        for rows, variants in ((emp_rows, EMPLOYED_VARIANTS), (self_rows, SELF_EMPLOYED_VARIANTS)):
            pick = rng.choice(rows, size=200, replace=False)
            employment_obs[pick] = rng.choice(variants, size=200)
    else:
        miss = rng.choice(n, size=30, replace=False)  # 0.3% plain missing
        income_str[miss] = ""

    df = pd.DataFrame(
        {
            "application_id": [f"APP-{i:07d}" for i in range(1, n + 1)],
            "applied_at": fmt_ts(applied),
            "ingested_at": fmt_ts(ingested),
            "age": age,
            "gender": gender,
            "ethnicity": ethnicity,
            "marital_status": marital,
            "income": income_str,
            "loan_amount": fmt_money(loan_amount),
            "term_months": term,
            "employment_type": employment_obs,
            "credit_score": credit_obs,
            "region": region,
            "loan_purpose": purpose,
            "notes": notes,
            "approval_letter_sent": letter,
            "approved": approved,
        },
        columns=COLUMNS,
    )

    if problem:
        # ~150 exact duplicate rows inserted at random positions
        src = np.sort(rng.choice(n, size=N_DUPLICATES, replace=False))
        dup = df.iloc[src]
        combined = pd.concat([df, dup], ignore_index=True)
        # keep the base rows in time order and put the copies into random slots
        dup_slots = rng.random(n + N_DUPLICATES).argsort(kind="stable")[:N_DUPLICATES]
        is_dup_slot = np.zeros(n + N_DUPLICATES, dtype=bool)
        is_dup_slot[dup_slots] = True
        order = np.empty(n + N_DUPLICATES, dtype=int)
        order[~is_dup_slot] = np.arange(n)
        order[is_dup_slot] = n + rng.permutation(N_DUPLICATES)
        df = combined.iloc[order].reset_index(drop=True)
    else:
        df = df.drop(columns=["approval_letter_sent"])
    return df


def main() -> None:
    for cfg, fname in ((PROBLEM, "loans.csv"), (CLEAN, "loans_clean.csv")):
        df = generate(cfg)
        out = HERE / fname
        df.to_csv(out, index=False, lineterminator="\n")
        print(f"wrote {out} ({len(df):,} rows, {len(df.columns)} columns)")


if __name__ == "__main__":
    main()
