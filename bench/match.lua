-- wrk script: POST the example case of DOMAIN.md to /api/v1/match; any response but 200 is counted and reported.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local path = os.getenv("HUIQI_CASE") or "examples/case.json"
local f = assert(io.open(path, "r"))
wrk.body = f:read("*a")
f:close()
