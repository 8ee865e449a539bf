"""Reads for the portfolio page, the home page flags and the managers' digest, composed from the figures each
app exports (the ledger's window figures, the decisions' counts, the open decommission, toil minutes and team
shares, the health score): `table` filters, sorts and pages the projects in SQL, `overview` builds what the page
shows above the table, `alerts` what needs a decision, `export` the CSV and the digest, `cache` keeps the
overview under a stamp of the data. The page runs a fixed number of queries whatever the number of projects."""
from portal.portfolio.alerts import Alert, AlertItem, alerts_for, build_alerts
from portal.portfolio.cache import cached_overview, data_stamp
from portal.portfolio.export import CSV_COLUMNS, csv_rows, digest_text
from portal.portfolio.overview import Totals, portfolio_overview, portfolio_rows, sparklines, totals
from portal.portfolio.table import FLAGS, PAGE_SIZE, SORTS, Filters, apply_filters, portfolio_queryset, table_page

__all__ = [
    "CSV_COLUMNS", "FLAGS", "PAGE_SIZE", "SORTS", "Alert", "AlertItem", "Filters", "Totals", "alerts_for",
    "apply_filters", "build_alerts", "cached_overview", "csv_rows", "data_stamp", "digest_text", "portfolio_overview",
    "portfolio_queryset", "portfolio_rows", "sparklines", "table_page", "totals",
]
