"""Bias: could problems or biases in the data hurt a model? Works from the labels alone, no model.

One module per question: ``representation`` (class balance, group shares), ``disparity`` (label rates across
groups and their intersections), ``proxies`` (features that stand in for a sensitive attribute) and
``missingness`` (missing values across groups). ``_common`` holds the integer group and class codes shared by
all of them; ``_rates`` the label rates per group with their bootstrap intervals.
"""

from dataaudit.checks.bias.disparity import IntersectionalGroups, LabelRateDisparity
from dataaudit.checks.bias.missingness import MissingnessDisparity
from dataaudit.checks.bias.proxies import ProxyFeatures
from dataaudit.checks.bias.representation import ClassImbalance, GroupRepresentation

__all__ = [
    "CHECKS",
    "ClassImbalance",
    "GroupRepresentation",
    "IntersectionalGroups",
    "LabelRateDisparity",
    "MissingnessDisparity",
    "ProxyFeatures",
]

CHECKS = (
    ClassImbalance,
    GroupRepresentation,
    LabelRateDisparity,
    IntersectionalGroups,
    ProxyFeatures,
    MissingnessDisparity,
)
