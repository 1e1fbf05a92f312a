"""The public doors: the policy, the calculator, 公示 and the whitelist; no sign-in needed."""
