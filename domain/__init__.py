"""The case domain of 身后一件事: models, legal rules, deadlines, the death-information ledger."""
