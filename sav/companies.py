"""The link a company receives to its list of reserves, without an account.

The link is signed (`django.core.signing`, its own salt) and names a company and a programme;
it expires `LINK_VALIDITY` after it was made. Through it the company reads its open claims on
that programme (the lot, the room, the category, the description, the planned date: no name,
no telephone, no e-mail of the buyer), downloads them as a PDF, and marks an intervention done
(a POST: a GET never changes anything).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import QuerySet

from cooperatives.models import Programme
from sav import rules
from sav.models import Claim, Company

SALT = "sav.company-link"
LINK_VALIDITY = dt.timedelta(days=60)


def company_token(company: Company, programme: Programme) -> str:
    return signing.dumps({"c": company.pk, "p": programme.pk}, salt=SALT, compress=True)


@dataclass(frozen=True)
class CompanyAccess:
    company: Company
    programme: Programme


def company_access(token: str) -> CompanyAccess | None:
    """The company and programme a link names, or None (forged, expired, or gone)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_VALIDITY)
    except signing.BadSignature:
        return None
    company = Company.objects.select_related("cooperative").filter(pk=data.get("c")).first()
    if company is None:
        return None
    programme = Programme.objects.filter(
        pk=data.get("p"), cooperative_id=company.cooperative_id
    ).first()
    return CompanyAccess(company, programme) if programme is not None else None


def company_claims(access: CompanyAccess) -> QuerySet[Claim]:
    """The claims given to the company on the programme that it still has to carry out."""
    return (
        Claim.objects.filter(
            company=access.company,
            lot__programme=access.programme,
            status__in=rules.TRANSITIONS["done"][0],
        )
        .select_related("lot")
        .order_by("intervention_on", "lot__code", "pk")
    )
