"""The whitelist (白名单): the enterprises meeting the conditions of the measure that serves it in the policy in force
(measure 19 of the shipped policy), in good standing, published by version."""
