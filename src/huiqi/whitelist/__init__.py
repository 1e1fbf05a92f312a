"""The whitelist (白名单, measure 19): core enterprises in Liaoning in good standing, published by version."""
