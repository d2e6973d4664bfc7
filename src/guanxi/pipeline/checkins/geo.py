"""Distances on the earth without a map service (INTG-5): the haversine formula on WGS-84
degrees, a sphere of the mean earth radius (good to about 0.5 %, plenty to tell "at the
customer" from "across town")."""

import math
from decimal import Decimal

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
