"""The numbers the generated data set is tuned to, in one place.

Counts marked "at reference scale" are exact at ``REFERENCE_COMPANIES`` companies (the seed
document's 95,004) and scale proportionally for other sizes. Shares are probabilities of
seeded draws, so they hold approximately. The persona mix that drives the BIT band
distribution lives in ``personas.py`` next to the samplers it weights.
"""

from __future__ import annotations

REFERENCE_COMPANIES = 95_004

# Companies generated per chunk: one random stream and one COPY per table per chunk, so
# memory stays flat whatever the total.
CHUNK_SIZE = 10_000

# Slot fill patterns as bit masks (CEO=1, CFO=2, HR=4) -> companies at reference scale.
# They reproduce the seed's slot-fill table exactly: CEO 62,289, CFO 57,327, HR 58,141.
FILL_PATTERN_COUNTS: dict[int, int] = {
    0b111: 55_102,
    0b000: 30_401,
    0b001: 4_587,
    0b010: 675,
    0b100: 1_289,
    0b011: 1_200,
    0b101: 1_400,
    0b110: 350,
}

# The legacy BIT scorer covered 13,226 of 95,004 companies, all COLD (seed document).
SCORED_COMPANIES = 13_226

IDENTITY_STATUSES: tuple[tuple[str, float], ...] = (("PASS", 0.95), ("PENDING", 0.03), ("FAIL", 0.02))
IDENTITY_MISSING_SHARE = 0.003

# outreach.dol: share of companies with filings when the persona does not need DOL data,
# and the share of January renewals when the persona does not need a renewal signal.
DOL_SHARE_WITHOUT_SIGNALS = 0.745
JANUARY_SHARE = 0.91
# Relative weights of the other renewal months that raise no renewal signal at as_of.
QUIET_MONTH_WEIGHTS: dict[int, float] = {2: 1.0, 7: 3.0, 8: 1.0, 9: 1.0, 10: 2.0, 11: 1.0, 12: 1.5}
FILINGS_PER_COMPANY: tuple[tuple[int, float], ...] = ((1, 0.35), (2, 0.40), (3, 0.25))

# Executive history: filled_at of holders not made recent by a persona lies 185 days to 6
# years back, so that only personas create executive-bridge signals.
HOLDER_TENURE_DAYS = (185, 6 * 365)
RECENT_ASSIGNMENT_DAYS = (1, 175)
RECENT_VACANCY_DAYS = (1, 85)
OLD_VACANCY_DAYS = (95, 4 * 365)
DISPLACED_SHARE = 0.12  # filled slots whose previous holder was displaced
OLD_VACANCY_SHARE = 0.042  # unfilled slots with an old VACATED event
KEEP_FORMER_HOLDER_SHARE = 0.3  # vacated slots that still name the former holder (is_filled false)

# E-mail verifier outcome. Catch-all domains make RISKY addresses.
CATCHALL_SHARE = 0.165
CATCHALL_SHARE_STRONG = 0.03
VALID_SHARE_PLAIN_DOMAIN = 0.845
VALID_SHARE_STRONG = 0.95
RISKY_SHARE_CATCHALL = 0.93
NEVER_VERIFIED_SHARE = 0.25  # of INVALID people: the verifier never ran

# Signals that do not count at as_of (expired, detected later, expiring exactly at as_of).
NOISE_SHARE = 0.04
NOISE_SHARE_STRONG = 0.30
DETECTED_AT_AS_OF_SHARE = 0.01  # active signals detected exactly at as_of

# Company-level facts biased toward companies with strong signals, so that every gate
# after the band occurs for a visible share of band >= 3 companies.
EXCLUDED_SHARE = 0.008  # on top of the .org domains, which are mostly excluded
ORG_EXCLUDED_SHARE = 0.9
OVERRIDE_SHARE = 0.013
OVERRIDE_SHARE_STRONG = 0.06
SEND_EVENTS_SHARE = 0.055
SEND_EVENTS_SHARE_STRONG = 0.14
APPOINTMENT_SHARE = 0.03
