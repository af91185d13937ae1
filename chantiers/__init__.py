"""Construction phases and letters (lettres info chantier).

Each programme has its phases of works with planned and actual dates, by default the four
essential ones of the charter (`ESSENTIAL_PHASES`, renamed per cooperative with
`DefaultPhaseName`). Staff write a letter per phase (title, text in a safe subset of HTML,
photos re-encoded, a checked PDF), preview it and publish it: every buyer of the programme is
e-mailed through the outbox (`LetterMessage`, one row per letter and buyer: never sent twice),
and buyers who join later read the past letters in their space.

This app builds on the tenancy and plugs a journey metric into `engagements` (commitment 4:
letters sent at the essential phases); the buyer's space reads it.
"""
