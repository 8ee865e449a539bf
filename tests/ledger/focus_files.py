"""FOCUS files written for the tests: 1.0 and 1.2 shaped exports, and broken ones."""
from pathlib import Path

COLUMNS_1_0 = [
    "BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory",
    "ChargeClass", "ChargePeriodEnd", "ChargePeriodStart", "EffectiveCost", "ResourceId", "ServiceName",
    "SubAccountId", "Tags",
]
COLUMNS_1_2 = COLUMNS_1_0 + ["BillingAccountType", "InvoiceId", "PricingCurrency", "x_Discounts"]


def row(**values) -> dict:
    base = {
        "BilledCost": "10.00", "BillingAccountId": "acct-1", "BillingCurrency": "EUR",
        "BillingPeriodEnd": "2025-04-01T00:00:00Z", "BillingPeriodStart": "2025-03-01T00:00:00Z",
        "ChargeCategory": "Usage", "ChargeClass": "", "ChargePeriodEnd": "2025-03-02T00:00:00Z",
        "ChargePeriodStart": "2025-03-01T00:00:00Z", "EffectiveCost": "9.5", "ResourceId": "vm-1",
        "ServiceName": "Compute", "SubAccountId": "sub-1", "Tags": "",
        "BillingAccountType": "Billing Account", "InvoiceId": "INV-1", "PricingCurrency": "EUR", "x_Discounts": "",
    }
    base.update(values)
    return base


def _quote(value: str) -> str:
    if any(char in value for char in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write(path: Path, rows: list[dict], columns=COLUMNS_1_0, *, newline="\n", bom=False, encoding="utf-8") -> Path:
    lines = [",".join(columns)] + [",".join(_quote(str(r.get(column, ""))) for column in columns) for r in rows]
    data = (newline.join(lines) + newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def tag(slug: str) -> str:
    return '{"ml-project": "%s", "env": "prod"}' % slug
