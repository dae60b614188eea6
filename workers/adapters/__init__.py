"""Department systems behind one interface each (police, civil affairs, HRSS, DPF).

``interfaces`` holds the protocols and the request/result types; ``http`` talks to a real
department endpoint; ``ledger`` (the default) keeps the department's records in our own
database so the whole flow runs on one machine with nothing mocked.
"""
