"""The buyer's space (`/mon-espace/`): a buyer signs in with a one-time link sent to the address
the cooperative holds, and reads what concerns their household.

A buyer is not a Django user: no password, no staff session. Their session is a row of
`BuyerSession` (its key hashed), in a cookie of its own limited to `/mon-espace/`, so that a
buyer and a staff member can share a browser without one's session touching the other's, and
staff authentication (axes, roles, LoginRequiredMiddleware) stays as it is.

A **household** is the buyers of one lot (several buyers with their own e-mail address): each
signs in with their own address and sees what belongs to the lot (its programme's letters and
phases, the documents shared with any buyer of the lot) and their own journey dates.

This app reads the tenancy, the surveys and the construction letters; no app reads it.
"""
