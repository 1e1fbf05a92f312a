"""Disbursement (拨付): finance records the payment of an approved award."""
