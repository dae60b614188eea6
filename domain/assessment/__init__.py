"""Assessment (考核): per-township and per-unit figures from the ledger (``kpis``), and the
monthly report as HTML with inline SVG charts and as PDF (``report``, ``pdf``)."""

from domain.assessment.kpis import Assessment, Spread, TownshipKpis, UnitKpis, assess

__all__ = ["Assessment", "Spread", "TownshipKpis", "UnitKpis", "assess"]
