"""The output workbooks of SPEC §6, the only package that writes output xlsx.

``opmaak`` holds what every workbook shares (formats, tables, print layout, charts);
one module per workbook: ``plan``, ``vergelijking``, ``curve``, ``evaluatie``, ``onzekerheid``, ``fouten``.
"""

from .curve import schrijf_curve
from .evaluatie import schrijf_evaluatie
from .fouten import schrijf_foutrapport
from .opmaak import KPI_EENHEID, KPIS
from .plan import Plan, schrijf_plan
from .vergelijking import schrijf_vergelijking

__all__ = ["KPIS", "KPI_EENHEID", "Plan", "schrijf_curve", "schrijf_evaluatie", "schrijf_foutrapport", "schrijf_plan",
           "schrijf_vergelijking"]
